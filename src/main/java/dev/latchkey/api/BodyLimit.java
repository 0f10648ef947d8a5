package dev.latchkey.api;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

/**
 * The contract's 16 KiB body limit for bodies that do not declare their length (chunked): they
 * are counted while read and refused with 413 in the error shape once past the limit. Declared
 * lengths are refused before reading by {@link HttpErrorRoutes}; {@code quarkus.http.limits.max-body-size}
 * stays as the HTTP layer's outer bound.
 */
@Provider
public class BodyLimit implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        context.setInputStream(new Bounded(context.getInputStream(), HttpErrorRoutes.MAX_BODY_BYTES));
        return context.proceed();
    }

    private static final class Bounded extends FilterInputStream {
        private final long max;
        private long read;

        Bounded(InputStream in, long max) {
            super(in);
            this.max = max;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > max) {
                throw ErrorMapper.forStatus(413);
            }
        }
    }
}
