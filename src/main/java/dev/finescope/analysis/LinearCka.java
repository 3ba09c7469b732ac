package dev.finescope.analysis;

/**
 * Linear centred kernel alignment (Kornblith et al. 2019, "Similarity of neural network representations
 * revisited") between two representations of the same n examples: X (n × d1) and Y (n × d2). With the columns
 * centred, CKA = ‖Yᵀ X‖²_F / (‖Xᵀ X‖_F · ‖Yᵀ Y‖_F). It is 1 for identical representations, lies in [0, 1], and does
 * not change under orthogonal transforms or isotropic scaling of either side. Everything is accumulated in double
 * precision.
 */
public final class LinearCka {

    private LinearCka() {
    }

    /** CKA of two float matrices, rows = examples. */
    public static double of(float[][] x, float[][] y) {
        return of(toDouble(x), toDouble(y));
    }

    /**
     * CKA of two matrices, rows = examples.
     *
     * @return the CKA, or NaN when a side has no variance across the examples (its centred values are all 0, or
     *         below 1e-12 of its own size, rounding noise): CKA is undefined there. BERT's [CLS] state after the
     *         embeddings is such a case: the same token at the same position in every sentence.
     * @throws IllegalArgumentException when the row counts differ, there are fewer than 2 rows, or rows are ragged
     */
    public static double of(double[][] x, double[][] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException("CKA needs the same examples on both sides: " + x.length + " and "
                    + y.length + " rows");
        }
        if (x.length < 2) {
            throw new IllegalArgumentException("CKA needs at least 2 examples, not " + x.length);
        }
        double[][] xc = centred(x);
        double[][] yc = centred(y);
        if (!varies(x, xc) || !varies(y, yc)) {
            return Double.NaN;
        }
        double cross = squaredFrobeniusOfProduct(yc, xc);
        double xx = Math.sqrt(squaredFrobeniusOfProduct(xc, xc));
        double yy = Math.sqrt(squaredFrobeniusOfProduct(yc, yc));
        return cross / (xx * yy);
    }

    private static boolean varies(double[][] m, double[][] centred) {
        double raw = 0;
        double spread = 0;
        for (int r = 0; r < m.length; r++) {
            for (int j = 0; j < m[r].length; j++) {
                raw += m[r][j] * m[r][j];
                spread += centred[r][j] * centred[r][j];
            }
        }
        return spread > 0 && spread > 1e-12 * raw;
    }

    /** ‖Aᵀ B‖²_F for column-centred A (n × a) and B (n × b). */
    private static double squaredFrobeniusOfProduct(double[][] a, double[][] b) {
        int n = a.length;
        int da = a[0].length;
        int db = b[0].length;
        double[] column = new double[db];
        double sum = 0;
        for (int i = 0; i < da; i++) {
            java.util.Arrays.fill(column, 0);
            for (int r = 0; r < n; r++) {
                double v = a[r][i];
                if (v == 0) {
                    continue;
                }
                double[] row = b[r];
                for (int j = 0; j < db; j++) {
                    column[j] += v * row[j];
                }
            }
            for (int j = 0; j < db; j++) {
                sum += column[j] * column[j];
            }
        }
        return sum;
    }

    private static double[][] centred(double[][] m) {
        int n = m.length;
        int d = m[0].length;
        double[] mean = new double[d];
        for (double[] row : m) {
            if (row.length != d) {
                throw new IllegalArgumentException("rows of different lengths: " + d + " and " + row.length);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] out = new double[n][d];
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                out[r][j] = m[r][j] - mean[j];
            }
        }
        return out;
    }

    private static double[][] toDouble(float[][] m) {
        double[][] out = new double[m.length][];
        for (int r = 0; r < m.length; r++) {
            out[r] = new double[m[r].length];
            for (int j = 0; j < m[r].length; j++) {
                out[r][j] = m[r][j];
            }
        }
        return out;
    }
}
