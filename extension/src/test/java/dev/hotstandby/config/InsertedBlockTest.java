package dev.hotstandby.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** InsertedBlock.between finds the one inserted block or refuses; applyTo replays it on another major's file. */
class InsertedBlockTest {
    private final List<String> stock = List.of("# header", "a = 1", "# footer", "");

    @Test
    void betweenFindsTheInsertedLinesAndTheStockLineTheyFollow() {
        List<String> edited = List.of("# header", "a = 1", "b = 2\t# why", "# note", "# footer", "");

        InsertedBlock block = InsertedBlock.between(stock, edited, "postgresql.conf");

        assertThat(block.anchor()).as("the stock line the block follows").isEqualTo("a = 1");
        assertThat(block.lines()).as("the inserted lines").containsExactly("b = 2\t# why", "# note");
    }

    @Test
    void betweenGivesNoAnchorWhenTheBlockStartsTheFile() {
        InsertedBlock block = InsertedBlock.between(stock, List.of("# first", "# header", "a = 1", "# footer", ""),
                "pg_hba.conf");

        assertThat(block.anchor()).as("anchor of a block at the top of the file").isNull();
        assertThat(block.lines()).containsExactly("# first");
    }

    @Test
    void applyToInsertsTheBlockRightAfterTheAnchorInAnotherFile() {
        InsertedBlock block = new InsertedBlock("a = 1", List.of("b = 2\t# why"), false);

        List<String> otherMajor = List.of("# older header", "a = 1", "c = 3", "");

        assertThat(block.applyTo(otherMajor))
                .as("the block goes right after the anchor, the other file's lines stay as they were")
                .containsExactly("# older header", "a = 1", "b = 2\t# why", "c = 3", "");
    }

    @Test
    void applyToRoundTripsTheFileTheBlockWasFoundIn() {
        List<String> edited = List.of("# header", "a = 1", "b = 2\t# why", "# footer", "");

        assertThat(InsertedBlock.between(stock, edited, "postgresql.conf").applyTo(stock))
                .isEqualTo(edited);
    }

    @Test
    void applyToAppendsTheBlockWhenTheAnchorIsMissing() {
        InsertedBlock block = new InsertedBlock("# only in major 18", List.of("b = 2\t# why"), false);

        assertThat(block.applyTo(List.of("x = 1", "y = 2")))
                .as("without its anchor the block is appended, so its settings still win")
                .containsExactly("x = 1", "y = 2", "b = 2\t# why");
    }

    @Test
    void betweenRejectsAChangedStockLineNamingTheFileAndLine() {
        List<String> edited = List.of("# header", "a = 2", "# footer", "");

        assertThatThrownBy(() -> InsertedBlock.between(stock, edited, "postgresql.conf"))
                .as("changing stock line 2 must be refused, naming both files and the line")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configs/postgresql.conf")
                .hasMessageContaining("stock-configs/postgresql.conf")
                .hasMessageContaining("nothing changed or removed")
                .hasMessageContaining("line 2");
    }

    @Test
    void betweenRejectsARemovedStockLine() {
        List<String> edited = List.of("# header", "# footer", "");

        assertThatThrownBy(() -> InsertedBlock.between(stock, edited, "pg_hba.conf"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("configs/pg_hba.conf");
    }

    @Test
    void betweenRejectsTwoSeparateBlocks() {
        List<String> edited = List.of("# header", "# one", "a = 1", "# two", "# footer", "");

        assertThatThrownBy(() -> InsertedBlock.between(stock, edited, "pg_hba.conf"))
                .as("two insertions are not one block")
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one block");
    }
}
