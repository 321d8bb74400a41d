package dev.hotstandby.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The test's own diff must itself be right before it can judge configs/. */
class LineDiffTest {

    @Test
    void pureInsertionHasNoRemovedLines() {
        LineDiff diff = LineDiff.between(List.of("a", "b", "c"), List.of("a", "x", "y", "b", "c"));

        assertThat(diff.removed()).isEmpty();
        assertThat(diff.added()).containsExactly(new LineDiff.Line(2, "x"), new LineDiff.Line(3, "y"));
    }

    @Test
    void changedLineShowsAsRemovedAndAdded() {
        LineDiff diff = LineDiff.between(List.of("a", "b", "c"), List.of("a", "B", "c"));

        assertThat(diff.removed()).containsExactly(new LineDiff.Line(2, "b"));
        assertThat(diff.added()).containsExactly(new LineDiff.Line(2, "B"));
    }

    @Test
    void removedLineIsFoundEvenWhenLinesAreAlsoAdded() {
        LineDiff diff = LineDiff.between(List.of("a", "b", "c", "d"), List.of("a", "x", "c", "d", "y"));

        assertThat(diff.removed()).containsExactly(new LineDiff.Line(2, "b"));
    }

    @Test
    void blockWhoseBlankLineAlsoFollowsItIsOneBlock() {
        // The LCS may pair the inserted "" with the stock "" and leave the second "" as a separate addition.
        LineDiff diff = LineDiff.between(List.of("anchor", "", "rest"),
                List.of("anchor", "x", "", "", "rest"));

        assertThat(diff.addedBlocks()).as("one inserted block, however the blank lines pair up").hasSize(1);
        assertThat(diff.addedBlocks().get(0)).extracting(LineDiff.Line::text).containsExactlyInAnyOrder("x", "");
    }

    @Test
    void twoSeparateInsertionsAreTwoBlocks() {
        LineDiff diff = LineDiff.between(List.of("a", "b", "c"), List.of("a", "x", "b", "y", "c"));

        assertThat(diff.addedBlocks()).hasSize(2);
    }

    @Test
    void finalNewlineEndsTheLastLine() {
        assertThat(LineDiff.lines("a\n\nb\n")).containsExactly("a", "", "b");
        assertThat(LineDiff.lines("a\nb")).containsExactly("a", "b");
    }
}
