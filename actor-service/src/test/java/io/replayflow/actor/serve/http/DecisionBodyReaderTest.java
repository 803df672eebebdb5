package io.replayflow.actor.serve.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.actor.serve.decide.DecisionRequest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The streaming reader takes exactly the bodies the tree parser accepts, with the same values, and
 * declines every other body so the tree parser can name the fault.
 */
@Timeout(30)
class DecisionBodyReaderTest {
    private final RequestParser tree = new RequestParser("cartpole", 4, 3);
    private final DecisionBodyReader reader = tree.streamingReader();

    private DecisionRequest streamed(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    private DecisionRequest byTree(String body) {
        return tree.decision(RequestParser.object(body.getBytes(StandardCharsets.UTF_8)), "");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"policy\":\"cartpole\",\"session_id\":\"s1\",\"obs\":[0.01,-0.02,0.03,0.04]}",
                "{\"obs\":[1,2,3,4],\"session_id\":\"s\",\"policy\":\"cartpole\"}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1e-3,2E5,-0.0,4],"
                        + "\"allowed_actions\":[2,0]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[0,0,0,0],"
                        + "\"allowed_actions\":null,\"extra\":{\"a\":[1,{\"b\":2}]}}",
                " {\"policy\" : \"cartpole\" , \"session_id\" : \"s\" , \"obs\" : [ 1 , 2 , 3 , 4 ]"
                        + " } "
            })
    void acceptedBodiesGiveWhatTheTreeGives(String body) {
        DecisionRequest fast = streamed(body);
        DecisionRequest slow = byTree(body);
        assertThat(fast).isNotNull();
        assertThat(fast.sessionId()).isEqualTo(slow.sessionId());
        assertThat(fast.obs()).containsExactly(slow.obs());
        assertThat(fast.allowed()).isEqualTo(slow.allowed());
    }

    @Test
    void numbersNarrowToTheSameFloatsAsTheTree() {
        SplittableRandom rng = new SplittableRandom(19);
        for (int i = 0; i < 2000; i++) {
            String body =
                    String.format(
                            Locale.ROOT,
                            "{\"policy\":\"cartpole\",\"session_id\":\"s\","
                                    + "\"obs\":[%s,%s,%s,%s]}",
                            rng.nextDouble(-1e3, 1e3),
                            rng.nextDouble(-1, 1) * Math.pow(10, rng.nextInt(-40, 39)),
                            shortened(Double.toString(rng.nextDouble()), 3 + rng.nextInt(15)),
                            rng.nextInt());
            assertThat(streamed(body).obs()).containsExactly(byTree(body).obs());
        }
    }

    private static String shortened(String number, int length) {
        return number.substring(0, Math.min(number.length(), length));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"policy\":\"other\",\"session_id\":\"s\",\"obs\":[1,2,3,4]}",
                "{\"policy\":\"cartpole\",\"obs\":[1,2,3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"\",\"obs\":[1,2,3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":7,\"obs\":[1,2,3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4,5]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,NaN,3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,Infinity,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,1e39,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,\"2\",3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":\"1,2,3,4\"}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4],"
                        + "\"allowed_actions\":[]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4],"
                        + "\"allowed_actions\":[3]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4],"
                        + "\"allowed_actions\":[1,1]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4],"
                        + "\"allowed_actions\":[1.0]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"session_id\":\"t\","
                        + "\"obs\":[1,2,3,4]}",
                "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3,4]",
                "[1,2,3,4]",
                ""
            })
    void declinesEverythingElseForTheTreeToName(String body) {
        assertThat(streamed(body)).isNull();
    }

    @Test
    void aRefusedBodyStillGetsTheTreeParsersMessage() {
        String body = "{\"policy\":\"cartpole\",\"session_id\":\"s\",\"obs\":[1,2,3]}";
        assertThat(streamed(body)).isNull();
        assertThatThrownBy(() -> byTree(body))
                .isInstanceOf(ApiError.class)
                .hasMessage("obs has 3 values; the policy 'cartpole' takes 4");
    }
}
