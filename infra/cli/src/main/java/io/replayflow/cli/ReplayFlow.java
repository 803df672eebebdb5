package io.replayflow.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * {@code ./replayflow}: the command line of ReplayFlow. Every verb has {@code --help}; a bad flag
 * or value prints one line naming it and exits {@value #EXIT_USAGE}.
 */
@Command(
        name = "replayflow",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "A Kafka + Flink pipeline for offline reinforcement learning.",
        subcommands = {
            DemoCommand.class,
            StackCommand.class,
            ServeCommand.class,
            ActorsCommand.class,
            CollectCommand.class,
            TrainCommand.class,
            LearnCommand.class,
            EvaluateCommand.class,
            OpeCommand.class,
            EnvCommand.class,
            DatasetCommand.class,
            BackfillCommand.class,
            LogCommand.class,
            PolicyCommand.class,
            ControllerCommand.class,
            BenchCommand.class,
            io.replayflow.cli.cluster.ClusterCommand.class,
            io.replayflow.cli.cluster.DrillCommand.class,
            CommandLine.HelpCommand.class
        },
        footer = {"", "Run 'replayflow VERB --help' for a verb's flags."})
public final class ReplayFlow implements Runnable {

    /** Success. */
    public static final int EXIT_OK = 0;

    /** A runtime failure (the message says what and how to fix it). */
    public static final int EXIT_FAILURE = 1;

    /** A bad flag or value. */
    public static final int EXIT_USAGE = 2;

    /** The verb exists but is not implemented in this build. */
    public static final int EXIT_NOT_AVAILABLE = 3;

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(
                run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = commandLine();
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ReplayFlow());
        cli.setParameterExceptionHandler(new OneLineUsageError());
        cli.setExecutionExceptionHandler(new OneLineFailure());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** "replayflow stack: Unknown option: '--bogus' (see 'replayflow stack --help')" and exit 2. */
    private static final class OneLineUsageError implements IParameterExceptionHandler {
        @Override
        public int handleParseException(ParameterException ex, String[] args) {
            CommandLine cmd = ex.getCommandLine();
            String verb = cmd.getCommandSpec().qualifiedName();
            String message = ex.getMessage().replace(System.lineSeparator(), " ").strip();
            cmd.getErr().printf("%s: %s (see '%s --help')%n", verb, message, verb);
            cmd.getErr().flush();
            return EXIT_USAGE;
        }
    }

    /** One line with the cause chain; the stack trace only with REPLAYFLOW_DEBUG=1. */
    private static final class OneLineFailure implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(
                Exception ex, CommandLine cmd, ParseResult parseResult) {
            if (ex instanceof UsageError usage) {
                String verb = cmd.getCommandSpec().qualifiedName();
                cmd.getErr().printf("%s: %s (see '%s --help')%n", verb, usage.getMessage(), verb);
                cmd.getErr().flush();
                return EXIT_USAGE;
            }
            StringBuilder line = new StringBuilder(cmd.getCommandSpec().qualifiedName());
            line.append(": ").append(describe(ex));
            for (Throwable c = ex.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                line.append(" (caused by ").append(describe(c)).append(')');
            }
            cmd.getErr().println(line);
            if ("1".equals(System.getenv("REPLAYFLOW_DEBUG"))) {
                ex.printStackTrace(cmd.getErr());
            } else {
                cmd.getErr().println("Set REPLAYFLOW_DEBUG=1 for the stack trace.");
            }
            cmd.getErr().flush();
            return EXIT_FAILURE;
        }

        private static String describe(Throwable t) {
            return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        }
    }
}
