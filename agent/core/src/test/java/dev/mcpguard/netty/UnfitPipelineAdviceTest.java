package dev.mcpguard.netty;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The refusal woven into a Netty the gate helpers do not link against: accepted connections only. */
class UnfitPipelineAdviceTest {

    @Test
    void anAcceptedConnectionsPipelineIsRefused() {
        EmbeddedChannel server = new EmbeddedChannel();
        EmbeddedChannel accepted = new EmbeddedChannel(server, DefaultChannelId.newInstance(), true, false);

        assertThatThrownBy(() -> UnfitPipelineAdvice.enter(accepted.pipeline()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("NOT GATED");
    }

    @Test
    void aClientsPipelineGoesOn() {
        EmbeddedChannel client = new EmbeddedChannel(); // no parent: a channel this JVM connected, or a server's own

        assertThatCode(() -> UnfitPipelineAdvice.enter(client.pipeline())).doesNotThrowAnyException();
    }
}
