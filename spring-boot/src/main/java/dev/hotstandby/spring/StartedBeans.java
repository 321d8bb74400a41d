package dev.hotstandby.spring;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/** The singletons of a type that a context has made, by name, in registration order; none is made here. */
final class StartedBeans {

    private StartedBeans() {
    }

    static <T> Map<String, T> of(ConfigurableListableBeanFactory beanFactory, Class<T> type) {
        Map<String, T> beans = new LinkedHashMap<>();
        for (String name : beanFactory.getBeanNamesForType(type, false, false)) {
            if (beanFactory.containsSingleton(name)) {
                beans.put(name, beanFactory.getBean(name, type));
            }
        }
        return beans;
    }
}
