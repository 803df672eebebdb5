package io.replayflow.infra.stack;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The SCRAM user a {@link LocalStack} broker with a SASL_SSL listener accepts: clients authenticate
 * with SCRAM-SHA-512 over TLS as {@code username} / {@code password}. The password is never part of
 * {@link #toString()}.
 *
 * <pre>{@code
 * LocalStack stack = LocalStack.builder().saslSsl(KafkaSecurity.scram("actor", secret)).start();
 * Map<String, String> client = stack.clientProperties(); // security.protocol=SASL_SSL, ...
 * }</pre>
 *
 * @param username letters, digits, {@code .}, {@code _} and {@code -}
 * @param password at least 8 characters, none of {@code " \ , = ]} (they would break the JAAS line
 *     and the SCRAM arguments)
 */
public record KafkaSecurity(String username, String password) {

    /** The SASL mechanism of the stack's secure listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";

    private static final String FORBIDDEN = "\"\\,=]";

    public KafkaSecurity {
        if (username == null || !username.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(
                    "SCRAM username '"
                            + username
                            + "' is invalid: use letters, digits, '.', '_' and '-'");
        }
        Objects.requireNonNull(password, "SCRAM password");
        if (password.length() < 8) {
            throw new IllegalArgumentException(
                    "the SCRAM password of "
                            + username
                            + " is too short: use 8 characters or more");
        }
        for (char c : password.toCharArray()) {
            if (FORBIDDEN.indexOf(c) >= 0 || Character.isWhitespace(c)) {
                throw new IllegalArgumentException(
                        "the SCRAM password of "
                                + username
                                + " contains a quote, backslash, comma, '=', ']' or white space:"
                                + " choose one without them");
            }
        }
    }

    /** A user with the given password. */
    public static KafkaSecurity scram(String username, String password) {
        return new KafkaSecurity(username, password);
    }

    /** A user with a fresh random password (32 hex digits). */
    public static KafkaSecurity randomPassword(String username) {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return new KafkaSecurity(username, HexFormat.of().formatHex(bytes));
    }

    /** The client's {@code sasl.jaas.config} line for this user. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + username
                + "\" password=\""
                + password
                + "\";";
    }

    @Override
    public String toString() {
        return "KafkaSecurity[SASL_SSL, " + MECHANISM + ", username=" + username + "]";
    }
}
