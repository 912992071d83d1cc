package dev.mcpguard.agent;

import dev.mcpguard.audit.GatesMBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;

/**
 * Registers {@link GatesMBean} once the first server type is instrumented, on a thread of its
 * own. Not at JVM start: creating the platform MBean server initializes java.util.logging's
 * LogManager, and servers that install their own (JBoss/WildFly through
 * {@code java.util.logging.manager}) fail when it is already set; it also keeps JMX's start-up
 * cost off the application's start. Not on the class-loading thread either, where the JMX
 * classes would load inside a transformation.
 */
final class GatesMBeanRegistration implements Runnable {
    private final GatesMBean bean;
    private final Logger log;
    private final CountDownLatch serverInstrumented = new CountDownLatch(1);

    private GatesMBeanRegistration(GatesMBean bean, Logger log) {
        this.bean = bean;
        this.log = log;
    }

    static GatesMBeanRegistration start(GatesMBean bean, Logger log) {
        GatesMBeanRegistration registration = new GatesMBeanRegistration(bean, log);
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
            ManagementFactory.getPlatformMBeanServer().registerMBean(bean, GatesMBean.objectName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError e) {
            log.warn("the {} MBean could not be registered ({}); the gates work, their counters are not on JMX",
                    GatesMBean.OBJECT_NAME, e.toString());
        }
    }
}
