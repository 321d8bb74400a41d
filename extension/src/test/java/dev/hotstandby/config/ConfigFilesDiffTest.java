package dev.hotstandby.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * configs/X is stock-configs/X plus one inserted block of explained lines, proven with an
 * independent LCS line diff of the repository files, and the jar carries exactly those files.
 */
class ConfigFilesDiffTest {
    /** Surefire runs with the module directory as working directory; the files live beside it. */
    static final Path REPO = Path.of("..");

    static String repoFile(String path) {
        return LineDiff.read(REPO.resolve(path));
    }

    static LineDiff diffOf(String name) {
        return LineDiff.between(LineDiff.lines(repoFile("stock-configs/" + name)),
                LineDiff.lines(repoFile("configs/" + name)));
    }

    @ParameterizedTest(name = "configs/{0} only adds lines to stock-configs/{0}")
    @ValueSource(strings = {ConfigFiles.POSTGRESQL_CONF, ConfigFiles.PG_HBA_CONF})
    void editedFileOnlyAddsLines(String name) {
        LineDiff diff = diffOf(name);

        assertThat(diff.removed())
                .as("lines of stock-configs/%s that configs/%s changes or removes (a changed line shows here"
                        + " and again as added); configs/ may only add lines", name, name)
                .isEmpty();
        assertThat(diff.added())
                .as("configs/%s should add something to stock-configs/%s, or it has no reason to exist", name, name)
                .isNotEmpty();
    }

    @ParameterizedTest(name = "configs/{0} adds one contiguous block")
    @ValueSource(strings = {ConfigFiles.POSTGRESQL_CONF, ConfigFiles.PG_HBA_CONF})
    void addedLinesFormOneBlock(String name) {
        List<List<LineDiff.Line>> blocks = diffOf(name).addedBlocks();

        assertThat(blocks)
                .as("configs/%s must add ONE block of lines to stock-configs/%s (so it applies to any major's"
                        + " stock file); the added lines are:%n%s", name, name, describe(blocks))
                .hasSize(1);
    }

    @ParameterizedTest(name = "every line configs/{0} adds is blank, a comment or explained")
    @ValueSource(strings = {ConfigFiles.POSTGRESQL_CONF, ConfigFiles.PG_HBA_CONF})
    void everyAddedLineIsBlankACommentOrCarriesATrailingComment(String name) {
        List<LineDiff.Line> unexplained = diffOf(name).added().stream()
                .filter(line -> !isExplained(line.text()))
                .toList();

        assertThat(unexplained)
                .as("lines added in configs/%s that are not blank, not a comment and carry no trailing"
                        + " '# why' comment", name)
                .isEmpty();
    }

    @ParameterizedTest(name = "every line of configs/{0} is blank, a comment or explained")
    @ValueSource(strings = {ConfigFiles.STANDBY_CONF, ConfigFiles.RECOVERY_CONF})
    void standbyTemplatesHaveNoStockCounterpartSoEveryLineIsExplained(String name) {
        List<String> unexplained = LineDiff.lines(repoFile("configs/" + name)).stream()
                .filter(line -> !isExplained(line))
                .toList();

        assertThat(unexplained)
                .as("lines of configs/%s (all of them added: it has no stock counterpart) without a '# why'", name)
                .isEmpty();
    }

    @ParameterizedTest(name = "the packaged {0} is the repository file")
    @ValueSource(strings = {"configs/postgresql.conf", "configs/pg_hba.conf", "configs/standby.conf",
            "configs/recovery.conf", "stock-configs/postgresql.conf", "stock-configs/pg_hba.conf"})
    void packagedResourceIsByteForByteTheRepositoryFile(String path) {
        assertThat(ConfigFiles.read(path))
                .as("classpath resource /dev/hotstandby/%s must equal ../%s: the jar applies what the repo shows",
                        path, path)
                .isEqualTo(repoFile(path));
    }

    @Test
    void packagedPostgresqlConfAppliedToTheStockFileGivesConfigsPostgresqlConf() {
        List<String> stock = ConfigFiles.lines(repoFile("stock-configs/postgresql.conf"));

        String applied = String.join("\n", ConfigFiles.packaged().postgresqlConf(stock));

        assertThat(applied)
                .as("what the template gets from initdb's major-18 postgresql.conf (= stock-configs/) must be"
                        + " exactly configs/postgresql.conf")
                .isEqualTo(repoFile("configs/postgresql.conf"));
    }

    @Test
    void packagedPgHbaConfAppliedToTheStockFileGivesConfigsPgHbaConf() {
        List<String> stock = ConfigFiles.lines(repoFile("stock-configs/pg_hba.conf"));

        String applied = String.join("\n", ConfigFiles.packaged().pgHbaConf(stock));

        assertThat(applied)
                .as("what the template gets from initdb's major-18 pg_hba.conf (= stock-configs/) must be"
                        + " exactly configs/pg_hba.conf")
                .isEqualTo(repoFile("configs/pg_hba.conf"));
    }

    @ParameterizedTest(name = "InsertedBlock of {0} holds the lines the diff finds added")
    @ValueSource(strings = {ConfigFiles.POSTGRESQL_CONF, ConfigFiles.PG_HBA_CONF})
    void insertedBlockAgreesWithTheLineDiff(String name) {
        InsertedBlock block = InsertedBlock.between(ConfigFiles.lines(repoFile("stock-configs/" + name)),
                ConfigFiles.lines(repoFile("configs/" + name)), name);

        // Blank lines may be counted on either side of the block; every other line must match.
        assertThat(block.lines().stream().filter(line -> !line.isBlank()).toList())
                .as("the non-blank lines InsertedBlock.between finds inserted in configs/%s", name)
                .isEqualTo(diffOf(name).added().stream().map(LineDiff.Line::text)
                        .filter(line -> !line.isBlank()).toList());
    }

    static boolean isExplained(String line) {
        return ConfLine.isBlank(line) || ConfLine.isComment(line)
                || ConfLine.trailingComment(line).filter(why -> !why.isEmpty()).isPresent();
    }

    private static String describe(List<List<LineDiff.Line>> blocks) {
        return blocks.stream()
                .map(block -> block.stream().map(line -> "  " + line).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n  ---\n"));
    }
}
