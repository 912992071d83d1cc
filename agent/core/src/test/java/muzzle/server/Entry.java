package muzzle.server;

/** A "server" class for MuzzleTest. */
public class Entry {
    public int count;

    public static Entry create() {
        return new Entry();
    }

    public String name() {
        return "entry";
    }
}
