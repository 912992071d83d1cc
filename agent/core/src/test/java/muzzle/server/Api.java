package muzzle.server;

/** A "server" interface for MuzzleTest: outside the agent's packages, so the muzzle checks it. */
public interface Api {
    String path();
}
