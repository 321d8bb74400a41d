package dev.hotstandby.engine;

import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/** pgjdbc data sources as every backend and the public API make them. */
public final class DataSources {
    private DataSources() {
    }

    public static DataSource create(String host, int port, String database, String user, String password) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setServerNames(new String[] {host});
        dataSource.setPortNumbers(new int[] {port});
        dataSource.setDatabaseName(database);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        dataSource.setConnectTimeout(10);
        return dataSource;
    }
}
