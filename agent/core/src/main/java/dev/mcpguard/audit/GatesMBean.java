package dev.mcpguard.audit;

import dev.mcpguard.core.Action;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import dev.mcpguard.core.Reason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.ObjectName;
import javax.management.ReflectionException;

/**
 * {@code dev.mcpguard:type=Gates}: the decision counters and each gate's mode, read-only.
 * Attributes are flat numbers and strings named like the decision log's fields
 * ({@code blocked.auth.invalid_token}), so any JMX exporter maps them without custom rules and
 * an operator can match them to log lines. Reading sums the {@link Counters}' adders; the
 * request path never touches this class. Authenticated requests are also counted per principal
 * ({@code principal.<user.name>.allowed} and {@code .blocked}); those attributes appear as
 * principals do, so the MBean's info is rebuilt when their number changes.
 */
public final class GatesMBean implements DynamicMBean {
    public static final String OBJECT_NAME = "dev.mcpguard:type=Gates";

    private static final String PRINCIPAL = "principal.";

    private final Map<String, Supplier<Object>> attributes = new LinkedHashMap<>();
    private final MBeanAttributeInfo[] fixedInfos;
    private final PrincipalCounters principals;
    private volatile MBeanInfo info;
    private volatile int principalsInInfo = -1;

    public GatesMBean(Counters counters, Map<GateName, GateMode> modes) {
        this.principals = counters.principals();
        List<MBeanAttributeInfo> infos = new ArrayList<>();
        add(infos, "allowed", "requests let through, log-only refusals included", () -> counters.total(Action.ALLOWED));
        add(infos, "blocked", "requests refused", () -> counters.total(Action.BLOCKED));
        add(infos, "would_block", "refusals logged, not enforced (log-only gates)", () -> counters.total(Action.WOULD_BLOCK));
        add(infos, "internal_errors", "failures inside the agent; MCPGUARD_ON_ERROR decided those requests",
                counters::internalErrors);
        for (Action action : List.of(Action.BLOCKED, Action.WOULD_BLOCK)) {
            for (GateName gate : GateName.values()) {
                for (Reason reason : Reason.values()) {
                    if (reason.gate() == gate || reason == Reason.GATE_ERROR && gate != GateName.BIND && gate != GateName.EGRESS) {
                        add(infos, action.id() + '.' + gate.id() + '.' + reason.id(),
                                action.id() + " by the " + gate.id() + " gate, reason " + reason.id(),
                                () -> counters.count(action, gate, reason));
                    }
                }
            }
        }
        for (GateName gate : GateName.values()) {
            String mode = modes.get(gate).knobValue();
            add(infos, "mode." + gate.id(), "mode of the " + gate.id() + " gate: enforce, log-only or off", () -> mode);
        }
        fixedInfos = infos.toArray(new MBeanAttributeInfo[0]);
    }

    public static ObjectName objectName() {
        try {
            return new ObjectName(OBJECT_NAME);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new AssertionError(e);
        }
    }

    private void add(List<MBeanAttributeInfo> infos, String name, String description, Supplier<Object> value) {
        attributes.put(name, value);
        boolean counter = !name.startsWith("mode.");
        infos.add(new MBeanAttributeInfo(name, counter ? "long" : String.class.getName(), description,
                true, false, false));
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        Object value = value(name);
        if (value == null) {
            throw new AttributeNotFoundException(name);
        }
        return value;
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            Object value = value(name);
            if (value != null) {
                list.add(new Attribute(name, value));
            }
        }
        return list;
    }

    /** A fixed attribute's value, or a principal's count ({@code principal.<name>.allowed|blocked}); {@code null} for none. */
    private Object value(String name) {
        Supplier<Object> value = attributes.get(name);
        if (value != null) {
            return value.get();
        }
        if (!name.startsWith(PRINCIPAL)) {
            return null;
        }
        int dot = name.lastIndexOf('.');
        String which = name.substring(dot + 1);
        long[] counts = dot > PRINCIPAL.length() ? principals.snapshot().get(name.substring(PRINCIPAL.length(), dot)) : null;
        if (counts == null || !which.equals("allowed") && !which.equals("blocked")) {
            return null;
        }
        return counts[which.equals("allowed") ? 0 : 1];
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException(attribute.getName() + " is read-only");
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(action), "no operations, only attributes");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        Map<String, long[]> counted = principals.snapshot();
        MBeanInfo current = info;
        if (current == null || counted.size() != principalsInInfo) {
            List<MBeanAttributeInfo> infos = new ArrayList<>(List.of(fixedInfos));
            for (String name : counted.keySet()) {
                for (String which : List.of("allowed", "blocked")) {
                    infos.add(new MBeanAttributeInfo(PRINCIPAL + name + '.' + which, "long",
                            "requests of principal " + name + " " + which, true, false, false));
                }
            }
            current = new MBeanInfo(GatesMBean.class.getName(), "mcpguard gate decisions since the JVM started",
                    infos.toArray(new MBeanAttributeInfo[0]), null, null, null);
            info = current;
            principalsInInfo = counted.size();
        }
        return current;
    }
}
