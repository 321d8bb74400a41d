package dev.hotstandby.config;

import java.util.ArrayList;
import java.util.List;

/**
 * How an edited config file differs from its stock original: one block of lines inserted after
 * an anchor line, nothing changed or removed. That shape is what keeps {@code diff stock-configs/X
 * configs/X} readable, and it lets the same edit be applied to the stock file of another major.
 *
 * @param anchor the stock line the block follows ({@code null}: the block starts the file)
 * @param lines  the inserted lines
 */
public record InsertedBlock(String anchor, List<String> lines) {

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
        String anchor = prefix == 0 ? null : stock.get(prefix - 1);
        return new InsertedBlock(anchor, List.copyOf(edited.subList(prefix, edited.size() - suffix)));
    }

    /**
     * Inserts the block after the last occurrence of the anchor in {@code target} (another major's
     * stock file), or at its end when that file lacks the anchor.
     */
    public List<String> applyTo(List<String> target) {
        int at = anchor == null ? 0 : target.lastIndexOf(anchor) + 1;
        if (anchor != null && at == 0) {
            at = target.size();
        }
        List<String> result = new ArrayList<>(target.subList(0, at));
        result.addAll(lines);
        result.addAll(target.subList(at, target.size()));
        return result;
    }
}
