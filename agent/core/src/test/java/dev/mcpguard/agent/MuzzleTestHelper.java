package dev.mcpguard.agent;

import muzzle.server.Api;
import muzzle.server.Entry;
import muzzle.server.Listener;

/** A helper as an adapter has them, against the "server" of MuzzleTest: one reference of each kind. */
final class MuzzleTestHelper {

    private MuzzleTestHelper() {
    }

    static String use(Api api) {
        Entry entry = Entry.create();
        entry.count++;
        return api.path() + entry.name();
    }

    static final class Listening implements Listener {
        @Override
        public void on(String event) {
        }
    }
}
