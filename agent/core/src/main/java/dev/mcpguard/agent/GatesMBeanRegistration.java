package dev.mcpguard.agent;

import dev.mcpguard.audit.Counters;
import dev.mcpguard.audit.GatesMBean;
import dev.mcpguard.core.GateMode;
import dev.mcpguard.core.GateName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import dev.mcpguard.audit.OperatorLog;

/**
 * Registers {@link GatesMBean} once the first server type is instrumented, on a thread of its
 * own. Not at JVM start: creating the platform MBean server initializes java.util.logging's
 * LogManager, and servers that install their own (JBoss/WildFly through
 * {@code java.util.logging.manager}) fail when it is already set; it also keeps JMX's start-up
 * cost off the application's start. Not on the class-loading thread either, where the JMX
 * classes would load inside a transformation. And a few seconds later still, so that the JMX
 * start-up work (a few hundred classes) does not compete with the server's own start.
 */
final class GatesMBeanRegistration implements Runnable {
    private static final long AFTER_SERVER_MILLIS = 3000;
    /** One registration per JVM: a second would only fail, with a warning, on the name taken. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private final Counters counters;
    private final Map<GateName, GateMode> modes;
    private final OperatorLog log;
    private final CountDownLatch serverInstrumented = new CountDownLatch(1);

    private GatesMBeanRegistration(Counters counters, Map<GateName, GateMode> modes, OperatorLog log) {
        this.counters = counters;
        this.modes = modes;
        this.log = log;
    }

    /**
     * The MBean itself is built on the registration thread too: its JMX types are part of the cost.
     *
     * @throws IllegalStateException when a registration was started already
     */
    static GatesMBeanRegistration start(Counters counters, Map<GateName, GateMode> modes, OperatorLog log) {
        if (!STARTED.compareAndSet(false, true)) {
            throw new IllegalStateException("mcpguard: the MBean registration was started already; it is started once");
        }
        GatesMBeanRegistration registration = new GatesMBeanRegistration(counters, modes, log);
        Thread thread = new Thread(registration, "mcpguard-jmx");
        thread.setDaemon(true);
        thread.start();
        return registration;
    }

    void serverInstrumented() {
        serverInstrumented.countDown();
    }

    @Override
    public void run() {
        try {
            serverInstrumented.await();
            Thread.sleep(AFTER_SERVER_MILLIS);
            ManagementFactory.getPlatformMBeanServer().registerMBean(new GatesMBean(counters, modes), GatesMBean.objectName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            log.warn("the {} MBean could not be registered ({}); the gates work, their counters are not on JMX",
                    GatesMBean.OBJECT_NAME, e.toString());
        }
    }
}
