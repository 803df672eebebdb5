package io.replayflow.infra.stack.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker key store and a client trust store for a loopback TLS listener, generated with the JDK's
 * {@code keytool}: one EC key pair whose self-signed certificate ({@code CN=localhost}, subject
 * alternative names {@code IP:127.0.0.1} and {@code DNS:localhost}, valid 30 days) is both the
 * broker's certificate and the only trust anchor of the trust store, so clients verify the broker,
 * host name included, and trust nothing else. Both stores are PKCS12 under one random password,
 * passed to {@code keytool} through its environment, never on its command line.
 *
 * @param keyStore the broker's key store (private key and certificate)
 * @param trustStore the clients' trust store (the certificate only)
 * @param password the password of both stores and of the key
 */
public record TlsMaterial(Path keyStore, Path trustStore, String password) {

    private static final String PASSWORD_ENV = "REPLAYFLOW_STORE_PASSWORD";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

    /**
     * Writes {@code broker.p12}, {@code broker.crt} and {@code truststore.p12} into {@code dir}.
     */
    public static TlsMaterial generate(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path keyStore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.crt");
        Path trustStore = dir.resolve("truststore.p12");
        for (Path old : List.of(keyStore, certificate, trustStore)) {
            Files.deleteIfExists(old);
        }
        byte[] random = new byte[18];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        keytool(
                password,
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-sigalg",
                "SHA256withECDSA",
                "-dname",
                "CN=localhost,O=ReplayFlow local stack",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "30",
                "-storetype",
                "PKCS12",
                "-keystore",
                keyStore.toString());
        keytool(
                password,
                "-exportcert",
                "-rfc",
                "-alias",
                "broker",
                "-keystore",
                keyStore.toString(),
                "-file",
                certificate.toString());
        keytool(
                password,
                "-importcert",
                "-noprompt",
                "-alias",
                "replayflow-local-stack",
                "-file",
                certificate.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                trustStore.toString());
        return new TlsMaterial(keyStore, trustStore, password);
    }

    private static void keytool(String password, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.add("-storepass:env");
        command.add(PASSWORD_ENV);
        if (args[0].equals("-genkeypair")) {
            command.add("-keypass:env");
            command.add(PASSWORD_ENV);
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(PASSWORD_ENV, password);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + args[0] + " did not finish within a minute");
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    "keytool "
                            + args[0]
                            + " failed with exit code "
                            + process.exitValue()
                            + ": "
                            + new String(output, StandardCharsets.UTF_8).strip());
        }
    }

    @Override
    public String toString() {
        return "TlsMaterial[keyStore=" + keyStore + ", trustStore=" + trustStore + "]";
    }
}
