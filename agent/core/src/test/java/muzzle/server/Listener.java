package muzzle.server;

/** A "server" callback that MuzzleTest's helper implements. */
public interface Listener {
    void on(String event);
}
