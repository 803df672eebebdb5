package io.replayflow.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

@Timeout(30)
class ReturnChartTest {

    @TempDir Path dir;

    @Test
    void segmentsFollowTheActingVersionAndJoin() {
        List<ReturnChart.Point> points =
                List.of(
                        new ReturnChart.Point(0, Double.NaN, 0),
                        new ReturnChart.Point(100, 20, 0),
                        new ReturnChart.Point(200, 22, 0),
                        new ReturnChart.Point(300, 60, 1),
                        new ReturnChart.Point(400, 90, 1),
                        new ReturnChart.Point(500, 200, 3));

        List<List<ReturnChart.Point>> runs = ReturnChart.runsByVersion(points);

        assertThat(runs).hasSize(3);
        assertThat(runs.get(0)).extracting(ReturnChart.Point::envSteps).containsExactly(100d, 200d);
        // the v1 segment starts where v0's ended, so the line has no gap
        assertThat(runs.get(1))
                .extracting(ReturnChart.Point::envSteps)
                .containsExactly(200d, 300d, 400d);
        assertThat(runs.get(1)).extracting(ReturnChart.Point::version).containsOnly(1L);
        assertThat(runs.get(2))
                .extracting(ReturnChart.Point::meanReturn)
                .containsExactly(90d, 200d);
    }

    @Test
    void manyVersionsGetASequentialScaleWithAFewLegendEntries() throws Exception {
        List<ReturnChart.Point> points = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            points.add(new ReturnChart.Point(i * 100, 20 + i, i / 10)); // 30 versions
        }
        List<ReturnChart.Evaluation> evals =
                List.of(
                        new ReturnChart.Evaluation(5_000, 120, 30, 5, false),
                        new ReturnChart.Evaluation(29_000, 480, 10, 29, false),
                        new ReturnChart.Evaluation(29_000, 478, 12, 29, true));

        XYChart chart = ReturnChart.build("CartPole-v1", points, evals, 475);

        List<XYSeries> versions =
                chart.getSeriesMap().values().stream()
                        .filter(s -> s.getName().startsWith("acting v"))
                        .toList();
        assertThat(versions).hasSize(30);
        assertThat(versions.stream().filter(XYSeries::isShowInLegend)).hasSize(5);
        assertThat(versions.get(0).getLineColor()).isNotEqualTo(versions.get(29).getLineColor());
        assertThat(chart.getSeriesMap())
                .containsKeys(
                        "greedy eval (mean ± std)", "confirmation (other seeds)", "solved (475)");
        assertThat(chart.getSeriesMap().get("greedy eval (mean ± std)").getExtraValues())
                .containsExactly(30, 10);
        assertThat(chart.getTitle()).contains("v0 dark → v29 light");
        Charts.writePng(chart, dir.resolve("return.png"));
        PngAssertions.assertChart(dir.resolve("return.png"), 30);
    }

    @Test
    void thePaletteRunsDarkToLightAndRefusesIndexesOutside() {
        List<Color> colors =
                IntStream.range(0, 12).mapToObj(i -> VersionPalette.color(i, 12)).toList();
        assertThat(colors).doesNotHaveDuplicates();
        assertThat(brightness(colors.get(0))).isLessThan(brightness(colors.get(11)));
        assertThat(VersionPalette.color(0, 1)).isEqualTo(VersionPalette.color(2, 5));
        assertThatThrownBy(() -> VersionPalette.color(3, 3))
                .hasMessage("version index 3 is outside 0..2");
    }

    private static double brightness(Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }
}
