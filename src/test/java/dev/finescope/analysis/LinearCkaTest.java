package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LinearCkaTest {

    /** Fixed matrices and their CKA computed in float64 by numpy (src/test/python/linear_cka_fixture.py). */
    @Test
    void matchesAnIndependentFloat64Computation() throws IOException {
        JsonNode root;
        try (InputStream in = LinearCkaTest.class.getResourceAsStream("/fixtures/cka/linear_cka.json")) {
            root = new ObjectMapper().readTree(in);
        }
        assertEquals(3, root.get("cases").size());
        for (JsonNode c : root.get("cases")) {
            double expected = c.get("cka").asDouble();
            double actual = LinearCka.of(matrix(c.get("x")), matrix(c.get("y")));
            assertEquals(expected, actual, 1e-12, c.get("name").asText());
            assertEquals(expected, LinearCka.of(matrix(c.get("y")), matrix(c.get("x"))), 1e-12, "symmetric");
        }
    }

    @Test
    void isOneForTheSameRepresentation() {
        double[][] x = random(30, 9, 1);
        assertEquals(1.0, LinearCka.of(x, x), 1e-12);
    }

    @Test
    void ignoresOrthogonalTransformsIsotropicScalingAndShifts() {
        double[][] x = random(25, 6, 2);
        double[][] y = random(25, 4, 3);
        double reference = LinearCka.of(x, y);
        double[][] q = orthogonal(6, 4);
        double[][] xq = multiply(x, q);
        for (double[] row : xq) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 3.5 * row[j] + 7;
            }
        }
        assertEquals(reference, LinearCka.of(xq, y), 1e-12);
        assertEquals(1.0, LinearCka.of(x, xq), 1e-12);
    }

    @Test
    void liesBetweenZeroAndOne() {
        for (int seed = 0; seed < 20; seed++) {
            double v = LinearCka.of(random(12, 5, seed), random(12, 8, 100 + seed));
            assertTrue(v >= 0 && v <= 1, "CKA " + v);
        }
    }

    @Test
    void acceptsFloatsRefusesMismatchedRowsAndIsUndefinedWithoutVariance() {
        float[][] a = {{1f, 2f}, {3f, 5f}, {4f, 1f}};
        assertEquals(1.0, LinearCka.of(a, a), 1e-12);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> LinearCka.of(new double[3][2], new double[4][2]));
        assertEquals("CKA needs the same examples on both sides: 3 and 4 rows", rows.getMessage());
        assertTrue(Double.isNaN(LinearCka.of(new double[][] {{1, 1}, {1, 1}}, new double[][] {{1}, {2}})));
        assertTrue(Double.isNaN(LinearCka.of(new double[][] {{1}, {2}}, new double[][] {{3, 1e-9}, {3, 0}})));
    }

    private static double[][] matrix(JsonNode rows) {
        double[][] m = new double[rows.size()][];
        for (int r = 0; r < m.length; r++) {
            m[r] = new double[rows.get(r).size()];
            for (int j = 0; j < m[r].length; j++) {
                m[r][j] = rows.get(r).get(j).asDouble();
            }
        }
        return m;
    }

    private static double[][] random(int n, int d, long seed) {
        Random rng = new Random(seed);
        double[][] m = new double[n][d];
        for (double[] row : m) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return m;
    }

    /** A d × d orthogonal matrix by Gram–Schmidt of random columns. */
    private static double[][] orthogonal(int d, long seed) {
        double[][] cols = random(d, d, seed);
        for (int i = 0; i < d; i++) {
            for (int k = 0; k < i; k++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += cols[i][j] * cols[k][j];
                }
                for (int j = 0; j < d; j++) {
                    cols[i][j] -= dot * cols[k][j];
                }
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += cols[i][j] * cols[i][j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                cols[i][j] /= norm;
            }
        }
        return cols;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        double[][] out = new double[a.length][b[0].length];
        for (int r = 0; r < a.length; r++) {
            for (int k = 0; k < b.length; k++) {
                for (int j = 0; j < b[0].length; j++) {
                    out[r][j] += a[r][k] * b[k][j];
                }
            }
        }
        return out;
    }
}
