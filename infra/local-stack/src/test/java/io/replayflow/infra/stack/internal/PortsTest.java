package io.replayflow.infra.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class PortsTest {

    @Test
    void aPortWithALiveListenerIsNotFree() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getByName(Ports.HOST))) {
            assertThat(Ports.isFree(listener.getLocalPort())).isFalse();
        }
    }

    /**
     * A stopped server whose side closed its connections first leaves them in TIME_WAIT on its own
     * port for a minute; a restarted broker binds with SO_REUSEADDR and gets the port, so the check
     * must say free too.
     */
    @Test
    void aPortHeldOnlyByTimeWaitConnectionsIsFree() throws IOException {
        int port;
        try (ServerSocket listener = new ServerSocket()) {
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(InetAddress.getByName(Ports.HOST), 0));
            port = listener.getLocalPort();
            try (Socket client = new Socket(Ports.HOST, port);
                    Socket accepted = listener.accept()) {
                // The server side closes first: its end (on `port`) goes to TIME_WAIT.
                accepted.close();
                assertThat(client.getInputStream().read()).isEqualTo(-1);
            }
        }

        assertThat(Ports.isFree(port)).isTrue();
        try (ServerSocket restarted = new ServerSocket()) {
            restarted.setReuseAddress(true);
            restarted.bind(new InetSocketAddress(InetAddress.getByName(Ports.HOST), port));
            assertThat(restarted.getLocalPort()).isEqualTo(port);
        }
    }

    /**
     * A second port picked for one server is never the first: two pickings in a row may get the
     * port the first just released (a broker whose two listeners got one port would not start).
     */
    @Test
    void aPortPickedBesideAnotherIsNotThatOne() {
        for (int i = 0; i < 200; i++) {
            int first = Ports.resolve(0);
            assertThat(Ports.resolveOtherThan(0, first)).isNotEqualTo(first);
        }
        assertThat(Ports.resolveOtherThan(9092, 9092))
                .as("a port asked for is kept")
                .isEqualTo(9092);
    }
}
