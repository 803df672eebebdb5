package io.replayflow.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/** Checks that a chart PNG decodes, has the report's size and actually shows something. */
public final class PngAssertions {

    private PngAssertions() {}

    /**
     * The file is a PNG of {@link Charts#WIDTH} x {@link Charts#HEIGHT} with at least {@code
     * minColors} distinct colours and at least 2% of its pixels not white (axes, text and lines; a
     * blank or single-colour image fails).
     */
    public static void assertChart(Path png, int minColors) throws IOException {
        assertThat(png).as("%s", png).isRegularFile();
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image).as("%s decodes as an image", png).isNotNull();
        assertThat(image.getWidth()).isEqualTo(Charts.WIDTH);
        assertThat(image.getHeight()).isEqualTo(Charts.HEIGHT);
        Set<Integer> colors = new HashSet<>();
        long ink = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xFFFFFF;
                colors.add(rgb);
                ink += rgb == 0xFFFFFF ? 0 : 1;
            }
        }
        assertThat(colors.size())
                .as("distinct colours in %s", png)
                .isGreaterThanOrEqualTo(minColors);
        assertThat(ink)
                .as("non-white pixels in %s", png)
                .isGreaterThan((long) image.getWidth() * image.getHeight() / 50);
        assertThat(Files.size(png)).isGreaterThan(5_000);
    }
}
