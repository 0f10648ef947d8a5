package dev.latchkey.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.ws.rs.NameBinding;

/**
 * Marks an admin API endpoint: it needs a valid, unrevoked access token of a confidential client
 * with the {@code latchkey:admin} scope. The {@link AdminAuthFilter} checks it before the method
 * runs and fills {@link CurrentToken}.
 */
@NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
public @interface AdminAuth {
}
