package dev.mcpguard.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shared lookups of index-based header tables, case-insensitive, in one pass each. */
class IndexedHeadersViewTest {

    private static IndexedHeadersView view(String... fields) {
        return new IndexedHeadersView() {
            @Override
            protected int fieldCount() {
                return fields.length / 2;
            }

            @Override
            protected boolean fieldNameIs(int i, String name) {
                return fields[2 * i].equalsIgnoreCase(name);
            }

            @Override
            protected boolean fieldNameStartsWith(int i, String lowerCasePrefix) {
                return fields[2 * i].regionMatches(true, 0, lowerCasePrefix, 0, lowerCasePrefix.length());
            }

            @Override
            protected String fieldValue(int i) {
                return fields[2 * i + 1];
            }

            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String rawPath() {
                return "/";
            }

            @Override
            public String rawQuery() {
                return null;
            }

            @Override
            public String peerAddress() {
                return "127.0.0.1";
            }

            @Override
            public String localAddress() {
                return "127.0.0.1";
            }
        };
    }

    @Test
    void onlyHeaderTellsNoneOneAndSeveralApart() {
        IndexedHeadersView view = view("Host", "a", "content-length", "5", "X-Forwarded-For", "b", "CONTENT-LENGTH", "5");

        assertThat(view.onlyHeader("host")).isEqualTo("a");
        assertThat(view.onlyHeader("authorization")).isNull();
        assertThat(view.onlyHeader("content-length")).isSameAs(RequestView.SEVERAL);
        assertThat(view.headerCount("content-length")).isEqualTo(2);
        assertThat(view.header("content-length", 1)).isEqualTo("5");
        assertThat(view.header("content-length", 2)).isNull();
        assertThat(view.hasHeaderStartingWith("x-forwarded-")).isTrue();
        assertThat(view.hasHeaderStartingWith("forwarded")).isFalse();
    }

    @Test
    void everyHeaderJudgesEachRepeatedFieldOnce() {
        IndexedHeadersView view = view("Host", "a", "HOST", "a", "Origin", "b", "host", "c");

        assertThat(view.everyHeader("host", "a"::equals)).isFalse();
        assertThat(view.everyHeader("origin", "b"::equals)).isTrue();
        assertThat(view.everyHeader("authorization", value -> false)).isTrue();
    }

    @Test
    void everyHeaderIsOnePassOverHundredsOfThousandsOfFields() {
        // A walk per index (what the gates did through header(name, i)) costs 2·10^10 name
        // comparisons here: this test would not finish.
        int fields = 200_000;
        String[] table = new String[2 * fields + 2];
        for (int i = 0; i < fields; i++) {
            table[2 * i] = "Host";
            table[2 * i + 1] = "localhost";
        }
        table[2 * fields] = "Host";
        table[2 * fields + 1] = "evil.example";
        int[] judged = {0};

        assertThat(view(table).everyHeader("host", value -> ++judged[0] > 0 && value.equals("localhost"))).isFalse();
        assertThat(judged[0]).isEqualTo(fields + 1);
    }

    @Test
    void aValueSpelledLikeTheSentinelIsStillAValue() {
        assertThat(view("Authorization", "<several header fields>").onlyHeader("authorization"))
                .isEqualTo("<several header fields>").isNotSameAs(RequestView.SEVERAL);
    }
}
