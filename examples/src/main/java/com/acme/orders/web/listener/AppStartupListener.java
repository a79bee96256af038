package com.acme.orders.web.listener;

import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.Properties;
import java.util.Timer;
import java.util.TimerTask;

import javax.servlet.ServletContext;
import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;

import org.apache.log4j.Logger;

import com.acme.orders.util.DateUtils;

/**
 * Logs version information at startup, publishes application-scope
 * attributes used by the JSPs (appVersion, startupTime) and schedules a
 * trivial heartbeat log line.
 */
public class AppStartupListener implements ServletContextListener {

    private static final Logger LOG = Logger.getLogger(AppStartupListener.class);

    public static final String ATTR_VERSION = "appVersion";
    public static final String ATTR_STARTUP = "startupTime";

    private Timer heartbeat;

    public void contextInitialized(ServletContextEvent event) {
        ServletContext ctx = event.getServletContext();
        String version = readVersion(ctx);
        Date now = new Date();
        ctx.setAttribute(ATTR_VERSION, version);
        ctx.setAttribute(ATTR_STARTUP, now);

        LOG.info("==================================================");
        LOG.info(" ACME Orders " + version + " starting");
        LOG.info(" Server:  " + ctx.getServerInfo());
        LOG.info(" Context: " + ctx.getServletContextName());
        LOG.info(" Java:    " + System.getProperty("java.version"));
        LOG.info("==================================================");

        heartbeat = new Timer("acme-heartbeat", true);
        final long startMillis = now.getTime();
        heartbeat.schedule(new TimerTask() {
            @Override
            public void run() {
                long upMinutes = (System.currentTimeMillis() - startMillis) / 60000L;
                Runtime rt = Runtime.getRuntime();
                LOG.info("heartbeat: up " + upMinutes + " min, free heap "
                        + (rt.freeMemory() / 1024 / 1024) + " MB");
            }
        }, 15 * 60 * 1000L, 15 * 60 * 1000L);
    }

    private String readVersion(ServletContext ctx) {
        InputStream in = ctx.getResourceAsStream("/META-INF/maven/com.acme/acme-orders/pom.properties");
        if (in == null) {
            return "dev-" + DateUtils.format(new Date(), "yyyyMMdd");
        }
        try {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            LOG.warn("Cannot read pom.properties", e);
            return "unknown";
        } finally {
            try {
                in.close();
            } catch (IOException ignore) {
                // ignore
            }
        }
    }

    public void contextDestroyed(ServletContextEvent event) {
        if (heartbeat != null) {
            heartbeat.cancel();
        }
        LOG.info("ACME Orders stopped");
    }
}
