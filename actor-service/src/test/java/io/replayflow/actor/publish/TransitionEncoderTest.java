package io.replayflow.actor.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TransitionEncoderTest {
    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);

    @Test
    void uint8EnvsTravelAsImagesOfTheSpecsShape() throws Exception {
        TransitionEncoder encoder = new TransitionEncoder(EnvSpecs.MINATAR_BREAKOUT);
        float[] obs = new float[800];
        float[] next = new float[800];
        obs[400 + 3] = 1f; // second slot, cell (0, 0), brick channel
        next[400 + 399] = 1f;

        Transition first = serde.decode(encode(encoder, obs, next, 400, 0));
        obs[400 + 3] = 0f;
        obs[400 + 7] = 1f;
        Transition second = serde.decode(encode(encoder, obs, next, 400, 1));

        assertThat(first.getObs()).isEmpty();
        assertThat(first.getNextObs()).isEmpty();
        assertThat(first.getObsImage().getShape()).containsExactly(10, 10, 4);
        assertThat(bytes(first.getObsImage().getData())).hasSize(400).containsOnly(0, 1);
        assertThat(bytes(first.getObsImage().getData())[3]).isEqualTo((byte) 1);
        assertThat(bytes(first.getNextObsImage().getData())[399]).isEqualTo((byte) 1);
        // the reused buffers carry the second step's values, not the first's
        assertThat(bytes(second.getObsImage().getData())[3]).isZero();
        assertThat(bytes(second.getObsImage().getData())[7]).isEqualTo((byte) 1);
        assertThat(second.getStep()).isEqualTo(1);
    }

    @Test
    void float32EnvsTravelAsVectors() throws Exception {
        TransitionEncoder encoder = new TransitionEncoder(EnvSpecs.CART_POLE);
        float[] obs = {0.5f, -1f, 2f, 3f};

        Transition t = serde.decode(encode(encoder, obs, obs, 0, 0));

        assertThat(t.getObs()).containsExactly(0.5f, -1f, 2f, 3f);
        assertThat(t.getObsImage()).isNull();
    }

    private static byte[] encode(
            TransitionEncoder encoder, float[] obs, float[] next, int offset, long step) {
        return encoder.encode("a", "e", step, 1L, obs, next, offset, 1, 0f, false, false, 1f, 0L);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
