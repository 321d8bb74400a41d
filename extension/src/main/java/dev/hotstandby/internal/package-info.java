/**
 * Internal, not for users: helpers that are not PostgreSQL logic, shared by the engine and the
 * backends: the relay a faulty link runs through ({@link dev.hotstandby.internal.LinkRelay} and its
 * {@link dev.hotstandby.internal.LinkFaults}), the split of an init script into statements, the SCRAM
 * verifier of a generated password, random passwords and tree deletion. Public only so that the
 * other internal packages reach them; may change or vanish in any release.
 */
package dev.hotstandby.internal;
