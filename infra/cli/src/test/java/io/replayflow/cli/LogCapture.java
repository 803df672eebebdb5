package io.replayflow.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Records every log event at {@code level} and above from every logger (ours, Kafka's, Flink's),
 * with its message and the full text of its exception, so a test can check what a run would have
 * written to a log file. The console keeps only warnings while it is installed.
 */
final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final List<String> lines = new ArrayList<>();
    private final Level previousRootLevel;
    private final Map<LoggerConfig, Level> previousLevels = new HashMap<>();
    private final List<Appender> consoles = new ArrayList<>();

    private LogCapture(Level level) {
        super("capture", null, null, true, Property.EMPTY_ARRAY);
        start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        previousRootLevel = root.getLevel();
        for (Appender console : root.getAppenders().values()) {
            consoles.add(console);
            root.removeAppender(console.getName());
            root.addAppender(console, Level.WARN, null);
        }
        root.addAppender(this, level, null);
        root.setLevel(level);
        // Loggers a test configuration quietens (a test-jar on the class path may bring its own
        // log4j2-test.xml with org.apache.kafka at WARN) are opened to the level too.
        for (String name : List.of("io.replayflow", "org.apache.kafka", "kafka")) {
            LoggerConfig own = config.getLoggerConfig(name);
            if (own != root) {
                previousLevels.putIfAbsent(own, own.getLevel());
            }
        }
        for (LoggerConfig logger : config.getLoggers().values()) {
            if (logger != root
                    && logger.getLevel() != null
                    && logger.getLevel().isMoreSpecificThan(level)) {
                previousLevels.putIfAbsent(logger, logger.getLevel());
            }
        }
        previousLevels.keySet().forEach(logger -> logger.setLevel(level));
        context.updateLoggers();
    }

    /** Starts capturing at {@code level} (e.g. INFO, where Kafka prints its client configs). */
    static LogCapture install(Level level) {
        return new LogCapture(level);
    }

    @Override
    public void append(LogEvent event) {
        StringBuilder line = new StringBuilder();
        line.append(event.getLevel())
                .append(' ')
                .append(event.getLoggerName())
                .append(" - ")
                .append(event.getMessage().getFormattedMessage());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            line.append('\n').append(trace);
        }
        synchronized (lines) {
            lines.add(line.toString());
        }
    }

    /** Everything captured so far, one event per entry. */
    List<String> lines() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Everything captured so far as one text. */
    String text() {
        return String.join("\n", lines());
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(getName());
        for (Appender console : consoles) {
            root.removeAppender(console.getName());
            root.addAppender(console, null, null);
        }
        root.setLevel(previousRootLevel);
        previousLevels.forEach(LoggerConfig::setLevel);
        context.updateLoggers();
        stop();
    }
}
