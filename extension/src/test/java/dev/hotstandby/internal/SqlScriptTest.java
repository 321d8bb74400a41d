package dev.hotstandby.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Init scripts are split as psql would send them, each statement with the line it starts on. */
class SqlScriptTest {

    @Test
    void semicolonsInQuotesAndCommentsDoNotEndAStatement() {
        List<SqlScript.Statement> statements = SqlScript.split("""
                -- a comment; with a semicolon
                CREATE TABLE t (note text DEFAULT 'a; b', "odd;name" int);
                /* block; /* nested; */ still comment; */
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$
                    SELECT 1;
                $body$;

                INSERT INTO t VALUES ('it''s; fine', $1)""");

        assertThat(statements).extracting(SqlScript.Statement::line).containsExactly(2, 4, 8);
        assertThat(statements.get(0).sql()).isEqualTo("CREATE TABLE t (note text DEFAULT 'a; b', \"odd;name\" int)");
        assertThat(statements.get(1).sql()).startsWith("CREATE FUNCTION").endsWith("$body$");
        assertThat(statements.get(2).sql()).isEqualTo("INSERT INTO t VALUES ('it''s; fine', $1)");
    }

    @Test
    void aServerPositionMapsToTheScriptLine() {
        SqlScript.Statement statement = SqlScript.split("\n\nINSERT INTO t\n  SELECT * FROM missing;").get(0);

        assertThat(statement.line()).isEqualTo(3);
        assertThat(statement.lineOf(statement.sql().indexOf("missing") + 1)).isEqualTo(4);
    }
}
