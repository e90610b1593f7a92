package io.h5image.cli;

import io.h5image.H5Exception;
import io.h5image.NativeLibraryException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;

/** {@code h5image}: the entry point the launcher runs. */
@Command(name = "h5image",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Java arrays to in-memory HDF5 file images and back.",
        subcommands = {InfoCommand.class, DemoCommand.class, InspectCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:success",
                "1:failure: a wrong round trip, an unreadable image, or no usable libhdf5",
                "2:bad usage, or a file that cannot be read or written"})
public final class Main implements Runnable {

    static final int OK = 0;
    /** Something h5image did or read is wrong (the round trip, the image, the library). */
    static final int FAILED = 1;
    /** What the user asked for cannot be done as asked; also picocli's code for usage errors. */
    static final int USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line; tests call this and swap in their own writers. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(Main::handle);
        // A libhdf5 that fails to load surfaces as an Error from a static initializer, which picocli
        // does not route to the exception handler; catch it here so it also becomes one clean line.
        CommandLine.IExecutionStrategy runLast = new CommandLine.RunLast();
        cli.setExecutionStrategy(parseResult -> {
            try {
                return runLast.execute(parseResult);
            } catch (LinkageError e) {
                H5Exception cause = h5Cause(e);
                if (cause == null) throw e;
                return report(cause, parseResult.asCommandLineList().getLast());
            }
        });
        return cli;
    }

    /** No subcommand is bad usage (exit 2, as the help says): say what there is, on stderr. */
    @Override
    public void run() {
        // picocli prints the message and the usage to stderr and exits with 2 for this.
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is missing (info, demo, inspect or help)");
    }

    /** h5image's own failures are expected outcomes with a message for the user, not bugs: no stack trace. */
    private static int handle(Exception e, CommandLine command, CommandLine.ParseResult parseResult) throws Exception {
        H5Exception cause = h5Cause(e);
        if (cause == null) throw e;
        return report(cause, command);
    }

    private static int report(H5Exception cause, CommandLine command) {
        PrintWriter err = command.getErr();
        if (cause instanceof NativeLibraryException) {
            // Its message lists every place that was tried and how to fix it: all of it matters.
            err.println("h5image: " + cause.getMessage());
        } else {
            err.println(command.getCommandName() + ": " + firstLine(cause.getMessage()));
        }
        err.flush();
        return FAILED;
    }

    /** The h5image exception behind {@code t}, unwrapping static-initializer and reflection wrappers. */
    static H5Exception h5Cause(Throwable t) {
        for (Throwable at = t; at != null; at = at.getCause()) {
            if (at instanceof H5Exception h5) return h5;
            if (at.getCause() == at) break;
        }
        // A second touch of a class whose initializer failed gives only the first failure's text.
        for (Throwable at = t; at != null && at.getCause() != at; at = at.getCause()) {
            String message = at.getMessage();
            if (message != null && message.contains(NativeLibraryException.class.getName())) {
                return new NativeLibraryException(message);
            }
        }
        return null;
    }

    static String firstLine(String message) {
        if (message == null) return "(no message)";
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** The jar's Implementation-Version, written by the cli pom's manifest settings. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"h5image " + (version != null ? version : "(development build)"),
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
                    "Run 'h5image info' for the libhdf5 in use."};
        }
    }
}
