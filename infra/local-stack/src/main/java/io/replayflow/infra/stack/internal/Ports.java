package io.replayflow.infra.stack.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Arrays;

/** Loopback port helpers. Not a reservation: another process can take a port after the check. */
public final class Ports {

    /** Every service of the stack listens here only. */
    public static final String HOST = "127.0.0.1";

    private Ports() {}

    /**
     * Whether a server can bind {@code port} on {@link #HOST} right now, the way the stack's
     * servers bind it: with {@code SO_REUSEADDR}, as Kafka's and Flink's acceptors do. So
     * connections left in {@code TIME_WAIT} by a stack that was just stopped do not count as a
     * listener (without the option a restart on the same port was refused for about a minute
     * although nothing listened), while a live listener on the port still does.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** {@code port} itself, or a port the OS reports free when it is 0. */
    public static int resolve(int port) {
        if (port != 0) {
            return port;
        }
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + HOST, e);
        }
    }

    /**
     * {@code port} itself, or, when it is 0, a port the OS reports free that is none of {@code
     * taken}. Two {@link #resolve(int) resolve(0)} calls in a row may return the same port (the OS
     * hands out the port the first one just released: CI saw a broker whose client and controller
     * listeners got one port and refused to start), so a second port picked for the same server
     * names the first.
     */
    public static int resolveOtherThan(int port, int... taken) {
        if (port != 0) {
            return port;
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = resolve(0);
            if (Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no free port on " + HOST + " other than " + Arrays.toString(taken));
    }

    /** Whether a failure was caused by a port already taken. */
    public static boolean isBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null
                            && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }
}
