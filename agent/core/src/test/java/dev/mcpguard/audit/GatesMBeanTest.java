package dev.mcpguard.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class GatesMBeanTest {
    private final Counters counters = new Counters();

    private GatesMBean bean() {
        Map<GateName, GateMode> modes = new EnumMap<>(GateName.class);
        for (GateName gate : GateName.values()) {
            modes.put(gate, GateMode.ENFORCE);
        }
        modes.put(GateName.AUTH, GateMode.LOG_ONLY);
        modes.put(GateName.BIND, GateMode.OFF);
        return new GatesMBean(counters, modes);
    }

    @Test
    void readsTotalsAndPerGateReasonCountsLive() throws Exception {
        GatesMBean bean = bean();
        counters.increment(Action.ALLOWED, null, null);
        counters.increment(Action.ALLOWED, null, null);
        counters.increment(Action.BLOCKED, GateName.ORIGIN, Reason.HOST_NOT_ALLOWED);
        counters.increment(Action.BLOCKED, GateName.BODY, Reason.GATE_ERROR);
        counters.increment(Action.WOULD_BLOCK, GateName.AUTH, Reason.INVALID_TOKEN);
        counters.countInternalError();

        assertThat(bean.getAttribute("allowed")).isEqualTo(2L);
        assertThat(bean.getAttribute("blocked")).isEqualTo(2L);
        assertThat(bean.getAttribute("would_block")).isEqualTo(1L);
        assertThat(bean.getAttribute("internal_errors")).isEqualTo(1L);
        assertThat(bean.getAttribute("blocked.origin.host_not_allowed")).isEqualTo(1L);
        assertThat(bean.getAttribute("blocked.body.gate_error")).isEqualTo(1L);
        assertThat(bean.getAttribute("would_block.auth.invalid_token")).isEqualTo(1L);
        assertThat(bean.getAttribute("blocked.auth.invalid_token")).isEqualTo(0L);

        counters.increment(Action.ALLOWED, null, null);
        assertThat(bean.getAttribute("allowed")).as("read live, not a snapshot").isEqualTo(3L);
    }

    @Test
    void countsEachPrincipalAsItAppears() throws Exception {
        GatesMBean bean = bean();
        int fixed = bean.getMBeanInfo().getAttributes().length;

        counters.countPrincipal("ci-bot", true);
        counters.countPrincipal("ci-bot", true);
        counters.countPrincipal("token:0a1b2c3d", false);

        assertThat(Arrays.stream(bean.getMBeanInfo().getAttributes()).skip(fixed).map(MBeanAttributeInfo::getName))
                .containsExactly("principal.ci-bot.allowed", "principal.ci-bot.blocked",
                        "principal.token:0a1b2c3d.allowed", "principal.token:0a1b2c3d.blocked");
        assertThat(bean.getAttribute("principal.ci-bot.allowed")).isEqualTo(2L);
        assertThat(bean.getAttribute("principal.ci-bot.blocked")).isEqualTo(0L);
        assertThat(bean.getAttribute("principal.token:0a1b2c3d.blocked")).isEqualTo(1L);
        assertThatThrownBy(() -> bean.getAttribute("principal.nobody.allowed")).isInstanceOf(AttributeNotFoundException.class);
        assertThatThrownBy(() -> bean.getAttribute("principal.ci-bot.other")).isInstanceOf(AttributeNotFoundException.class);
    }

    @Test
    void principalsPastTheBoundShareOneRow() throws Exception {
        for (int i = 0; i < PrincipalCounters.MAX_NAMES + 5; i++) {
            counters.countPrincipal("sub-" + i, true);
        }

        assertThat(counters.principals().snapshot()).hasSize(PrincipalCounters.MAX_NAMES + 1);
        assertThat(bean().getAttribute("principal." + PrincipalCounters.OTHERS + ".allowed")).isEqualTo(5L);
    }

    @Test
    void showsEachGatesMode() throws Exception {
        GatesMBean bean = bean();
        assertThat(bean.getAttribute("mode.path")).isEqualTo("enforce");
        assertThat(bean.getAttribute("mode.auth")).isEqualTo("log-only");
        assertThat(bean.getAttribute("mode.bind")).isEqualTo("off");
    }

    @Test
    void describesOnlyReasonsTheirGateCanGiveAndEveryAttributeReads() throws Exception {
        GatesMBean bean = bean();
        MBeanAttributeInfo[] attributes = bean.getMBeanInfo().getAttributes();
        assertThat(Arrays.stream(attributes).map(MBeanAttributeInfo::getName))
                .contains("blocked.path.bad_path", "would_block.body.bad_content_length", "blocked.auth.gate_error")
                .doesNotContain("blocked.path.invalid_token", "blocked.bind.gate_error")
                .doesNotHaveDuplicates();
        for (MBeanAttributeInfo attribute : attributes) {
            assertThat(attribute.isReadable()).isTrue();
            assertThat(attribute.isWritable()).isFalse();
            assertThat(bean.getAttribute(attribute.getName())).as(attribute.getName()).isNotNull();
        }
        assertThat(bean.getAttributes(new String[] {"allowed", "nope"})).hasSize(1);
    }

    @Test
    void refusesUnknownAttributesAndWrites() {
        GatesMBean bean = bean();
        assertThatThrownBy(() -> bean.getAttribute("nope")).isInstanceOf(AttributeNotFoundException.class);
        assertThatThrownBy(() -> bean.setAttribute(new javax.management.Attribute("allowed", 0L)))
                .isInstanceOf(AttributeNotFoundException.class);
    }

    @Test
    void registersUnderItsDocumentedName() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.mcpguard:type=Gates");
        server.registerMBean(bean(), GatesMBean.objectName());
        try {
            assertThat(server.getAttribute(name, "mode.auth")).isEqualTo("log-only");
        } finally {
            server.unregisterMBean(name);
        }
    }
}
