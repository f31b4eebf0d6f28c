package techmarket.connect;

import com.mysql.cj.conf.ConnectionPropertiesTransform;
import java.util.Properties;

/**
 * Installs {@link MariaDbBinlogStatusInterceptor} on Debezium's JDBC connections.
 *
 * <p>Debezium drops a connector's own {@code queryInterceptors} setting so that a REST caller
 * cannot load arbitrary classes; this transform adds back exactly one interceptor, ours, and
 * nothing from the connector configuration. Enabled per connector with
 * {@code driver.propertiesTransform=techmarket.connect.MariaDbCompatProperties}.
 */
public final class MariaDbCompatProperties implements ConnectionPropertiesTransform {
    @Override
    public Properties transformProperties(Properties props) {
        props.setProperty("queryInterceptors", MariaDbBinlogStatusInterceptor.class.getName());
        return props;
    }
}
