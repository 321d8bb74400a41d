/** Internal, not API: the command-line main job ({@link dev.hotstandby.cli.Main}). */
package dev.hotstandby.cli;
