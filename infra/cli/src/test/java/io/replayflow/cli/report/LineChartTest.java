package io.replayflow.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;

@Timeout(10)
class LineChartTest {

    @Test
    void rendersWellFormedSvgWithOnePolylinePerSeries() throws Exception {
        String svg =
                new LineChart("Evaluation return", "env steps", "mean <return>")
                        .series(
                                "greedy",
                                new double[] {0, 10_000, 20_000},
                                new double[] {20, 150, 480})
                        .series(
                                "behaviour",
                                new double[] {0, 10_000, 20_000},
                                new double[] {22, 60, Double.NaN})
                        .referenceLine("solved (475)", 475)
                        .toSvg(720, 360);

        Document doc =
                DocumentBuilderFactory.newInstance()
                        .newDocumentBuilder()
                        .parse(new InputSource(new StringReader(svg)));
        assertThat(doc.getElementsByTagName("polyline").getLength()).isEqualTo(2);
        assertThat(svg).contains("mean &lt;return&gt;").contains("solved (475)").contains("20k");
        // the NaN point is skipped: the second series has two points
        String second =
                doc.getElementsByTagName("polyline")
                        .item(1)
                        .getAttributes()
                        .getNamedItem("points")
                        .getNodeValue();
        assertThat(second.split(" ")).hasSize(2);
    }

    @Test
    void ticksAreRoundNumbersCoveringTheRange() {
        assertThat(LineChart.niceTicks(0, 487, 5)).containsExactly(0, 100, 200, 300, 400, 500);
        assertThat(LineChart.niceTicks(-500, -80, 5))
                .containsExactly(-500, -400, -300, -200, -100, 0);
    }

    @Test
    void mismatchedSeriesNamesTheProblem() {
        assertThatThrownBy(
                        () ->
                                new LineChart("t", "x", "y")
                                        .series("s", new double[2], new double[3]))
                .hasMessageContaining("series 's' has 2 x values but 3 y values");
    }
}
