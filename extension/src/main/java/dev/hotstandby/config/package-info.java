/** Internal, not API: renders the repository's configs/ onto stock files. */
package dev.hotstandby.config;
