package io.replayflow.schemas.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ObservationBoundsTest {

    @Test
    void parsesPairsWithUnboundedSidesAndFormatsThemBack() {
        ObservationBounds b = ObservationBounds.parse(" -4.8:4.8, -inf:inf ,-0.5:Infinity");
        assertThat(b.low()).containsExactly(-4.8, Double.NEGATIVE_INFINITY, -0.5);
        assertThat(b.high())
                .containsExactly(4.8, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertThat(b.format()).isEqualTo("-4.8:4.8,-inf:inf,-0.5:inf");
        assertThat(ObservationBounds.parse(b.format())).isEqualTo(b);
        assertThat(ObservationBounds.parse("")).isSameAs(ObservationBounds.NONE);
        assertThat(ObservationBounds.NONE.format()).isEmpty();
        assertThat(ObservationBounds.parse("-1:1,0:2").format()).isEqualTo("-1:1,0:2");
    }

    @Test
    void shiftCentresBoundedRangesAndScaleWidensOnlyNarrowOnes() {
        // [-1.2, 0.6]: middle -0.3, 2 / 1.8; [-0.07, 0.07]: middle 0, 2 / 0.14;
        // [99, 103]: middle 101, wider than 2 so not narrowed (1);
        // half-bounded [-0.5, inf) and unbounded components pass unchanged (0, 1).
        ObservationBounds b =
                ObservationBounds.parse("-1.2:0.6,-0.07:0.07,99:103,-0.5:inf,-inf:inf");
        assertThat(b.shift()).containsExactly(-0.3f, 0f, 101f, 0f, 0f);
        assertThat(b.scale()).containsExactly((float) (2 / 1.8), (float) (2 / 0.14), 1f, 1f, 1f);
        assertThat(b.isBounded(0)).isTrue();
        assertThat(b.isBounded(2)).isTrue();
        assertThat(b.isBounded(3)).isFalse();
    }

    @Test
    void refusesWhatCannotBeABound() {
        assertThatThrownBy(() -> ObservationBounds.parse("-1:1,2"))
                .hasMessage(
                        "observation bound '2' is not LOW:HIGH; write one pair per component,"
                                + " e.g. -1.2:0.6,-0.07:0.07 (-inf:inf for an unbounded"
                                + " component)");
        assertThatThrownBy(() -> ObservationBounds.parse("-1:one"))
                .hasMessage(
                        "observation bound '-1:one' has 'one', not a number; write e.g."
                                + " -0.07:0.07 or -inf:inf");
        assertThatThrownBy(() -> ObservationBounds.parse("0.5:0.5"))
                .hasMessage(
                        "observation bound of component 0 is 0.5:0.5; it must be LOW:HIGH with"
                                + " LOW < HIGH (-inf and inf for an unbounded side), e.g."
                                + " -0.07:0.07");
        assertThatThrownBy(() -> ObservationBounds.parse("-1:1,inf:inf"))
                .hasMessageStartingWith("observation bound of component 1 is inf:inf;");
        assertThatThrownBy(() -> new ObservationBounds(List.of(0.0), List.of()))
                .hasMessage(
                        "observation bounds give 1 lower and 0 upper bounds; give one LOW:HIGH"
                                + " pair per component");
    }

    @Test
    void theClassicControlSpecsDeclareGymnasiumsBounds() {
        assertThat(EnvSpecs.MOUNTAIN_CAR.observationBounds().format())
                .isEqualTo("-1.2:0.6,-0.07:0.07");
        assertThat(EnvSpecs.CART_POLE.observationBounds().isBounded(1)).isFalse();
        assertThat(EnvSpecs.ACROBOT.observationBounds().high().get(5))
                .isCloseTo(9 * Math.PI, org.assertj.core.data.Offset.offset(1e-5));
        for (EnvSpec spec : EnvSpecs.BUILT_IN) {
            ObservationBounds b = spec.observationBounds();
            assertThat(b.isNone() || b.size() == spec.observationSize()).as(spec.id()).isTrue();
        }
        assertThat(EnvSpecs.MINATAR_BREAKOUT.observationBounds()).isEqualTo(ObservationBounds.NONE);
    }

    @Test
    void aSpecRefusesBoundsOfAnotherSize() {
        assertThatThrownBy(
                        () ->
                                EnvSpecs.MOUNTAIN_CAR.withObservationBounds(
                                        ObservationBounds.parse("-1:1")))
                .hasMessage(
                        "EnvSpec observationBounds of MountainCar-v0 give 1 components; a FLOAT32"
                                + " observation of shape [2] takes one LOW:HIGH pair per float"
                                + " component, or none");
    }
}
