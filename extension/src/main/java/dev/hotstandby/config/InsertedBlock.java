package dev.hotstandby.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How an edited config file differs from its stock original: one block of lines inserted after
 * an anchor line, nothing changed or removed. That shape is what keeps {@code diff stock-configs/X
 * configs/X} readable, and it lets the same edit be applied to the stock file of another major.
 *
 * @param anchor the stock line the block follows, unique in the stock file ({@code null}: the block
 *               starts the file, or ends it when {@code atEnd})
 * @param lines  the inserted lines
 * @param atEnd  the block is appended to the file
 */
public record InsertedBlock(String anchor, List<String> lines, boolean atEnd) {

    /** Finds the block; fails if {@code edited} is anything but {@code stock} with one inserted block. */
    public static InsertedBlock between(List<String> stock, List<String> edited, String fileName) {
        int prefix = 0;
        while (prefix < stock.size() && prefix < edited.size() && stock.get(prefix).equals(edited.get(prefix))) {
            prefix++;
        }
        int suffix = 0;
        while (suffix < stock.size() - prefix && suffix < edited.size() - prefix
                && stock.get(stock.size() - 1 - suffix).equals(edited.get(edited.size() - 1 - suffix))) {
            suffix++;
        }
        if (prefix + suffix != stock.size()) {
            throw new IllegalStateException("configs/" + fileName + " must be stock-configs/" + fileName
                    + " with one block of lines inserted, nothing changed or removed; it first differs at line "
                    + (prefix + 1));
        }
        List<String> lines = List.copyOf(edited.subList(prefix, edited.size() - suffix));
        if (suffix == 0) {
            return new InsertedBlock(null, lines, true);
        }
        String anchor = prefix == 0 ? null : stock.get(prefix - 1);
        if (anchor != null && stock.indexOf(anchor) != stock.lastIndexOf(anchor)) {
            throw new IllegalStateException("configs/" + fileName + ": the inserted block follows the line \"" + anchor
                    + "\", which occurs more than once in stock-configs/" + fileName
                    + "; move the block after a line that occurs once, so it lands in the same place for every major");
        }
        return new InsertedBlock(anchor, lines, false);
    }

    /**
     * Inserts the block into {@code target} (another major's stock file) where it stands in the
     * edited file: at the end, at the start, or after the anchor (at the end if the anchor is absent).
     */
    public List<String> applyTo(List<String> target) {
        int at;
        if (atEnd) {
            at = target.size();
        } else if (anchor == null) {
            at = 0;
        } else {
            int found = target.indexOf(anchor);
            at = found < 0 ? target.size() : found + 1;
        }
        List<String> result = new ArrayList<>(target.subList(0, at));
        result.addAll(lines);
        result.addAll(target.subList(at, target.size()));
        return result;
    }
}
