package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NameMapTest {

    private static final NameMap MAP = NameMap.standard();

    private static GridRow row(String csv) {
        return GridRow.fromCsvName(csv);
    }

    @ParameterizedTest(name = "{0} -> {1} {2} {3} ({4})")
    @CsvSource({
        // BERT, with and without prefix, current and old LayerNorm spellings
        "bert.embeddings.word_embeddings.weight, embeddings, Word, WEIGHT, bert",
        "embeddings.word_embeddings.weight, embeddings, Word, WEIGHT, bert",
        "bert.embeddings.position_embeddings.weight, embeddings, Position, WEIGHT, bert",
        "bert.embeddings.token_type_embeddings.weight, embeddings, TokenType, WEIGHT, bert",
        "bert.embeddings.LayerNorm.weight, embeddings, EmbLN, WEIGHT, bert",
        "bert.embeddings.LayerNorm.gamma, embeddings, EmbLN, WEIGHT, bert",
        "embeddings.LayerNorm.beta, embeddings, EmbLN, BIAS, bert",
        "bert.encoder.layer.0.attention.self.query.weight, 0, Q, WEIGHT, bert",
        "encoder.layer.11.attention.self.query.bias, 11, Q, BIAS, bert",
        "bert.encoder.layer.3.attention.self.key.weight, 3, K, WEIGHT, bert",
        "bert.encoder.layer.3.attention.self.value.bias, 3, V, BIAS, bert",
        "bert.encoder.layer.5.attention.output.dense.weight, 5, AttnOut, WEIGHT, bert",
        "bert.encoder.layer.5.attention.output.LayerNorm.weight, 5, AttnLN, WEIGHT, bert",
        "encoder.layer.5.attention.output.LayerNorm.gamma, 5, AttnLN, WEIGHT, bert",
        "bert.encoder.layer.5.attention.output.LayerNorm.beta, 5, AttnLN, BIAS, bert",
        "bert.encoder.layer.23.intermediate.dense.weight, 23, FFN-in, WEIGHT, bert",
        "bert.encoder.layer.23.output.dense.bias, 23, FFN-out, BIAS, bert",
        "bert.encoder.layer.7.output.LayerNorm.bias, 7, OutLN, BIAS, bert",
        "encoder.layer.7.output.LayerNorm.gamma, 7, OutLN, WEIGHT, bert",
        "bert.pooler.dense.weight, pooler, Pooler, WEIGHT, bert",
        "pooler.dense.bias, pooler, Pooler, BIAS, bert",
        "classifier.weight, head, Head, WEIGHT, head",
        "classifier.bias, head, Head, BIAS, head",
        "qa_outputs.weight, head, Head, WEIGHT, head",
        // RoBERTa
        "roberta.embeddings.word_embeddings.weight, embeddings, Word, WEIGHT, roberta",
        "roberta.embeddings.LayerNorm.bias, embeddings, EmbLN, BIAS, roberta",
        "roberta.encoder.layer.2.attention.self.query.weight, 2, Q, WEIGHT, roberta",
        "roberta.encoder.layer.2.output.LayerNorm.weight, 2, OutLN, WEIGHT, roberta",
        "roberta.pooler.dense.weight, pooler, Pooler, WEIGHT, roberta",
        "classifier.dense.weight, head, Head, WEIGHT, head",
        "classifier.out_proj.bias, head, Head, BIAS, head",
        // ELECTRA
        "electra.embeddings.word_embeddings.weight, embeddings, Word, WEIGHT, electra",
        "electra.encoder.layer.1.intermediate.dense.bias, 1, FFN-in, BIAS, electra",
        "electra.encoder.layer.1.attention.self.value.weight, 1, V, WEIGHT, electra",
        // DistilBERT, with and without prefix
        "distilbert.embeddings.word_embeddings.weight, embeddings, Word, WEIGHT, distilbert",
        "distilbert.embeddings.position_embeddings.weight, embeddings, Position, WEIGHT, distilbert",
        "distilbert.embeddings.LayerNorm.weight, embeddings, EmbLN, WEIGHT, distilbert",
        "distilbert.transformer.layer.0.attention.q_lin.weight, 0, Q, WEIGHT, distilbert",
        "transformer.layer.0.attention.k_lin.bias, 0, K, BIAS, distilbert",
        "distilbert.transformer.layer.4.attention.v_lin.weight, 4, V, WEIGHT, distilbert",
        "distilbert.transformer.layer.4.attention.out_lin.weight, 4, AttnOut, WEIGHT, distilbert",
        "distilbert.transformer.layer.4.sa_layer_norm.weight, 4, AttnLN, WEIGHT, distilbert",
        "transformer.layer.4.sa_layer_norm.bias, 4, AttnLN, BIAS, distilbert",
        "distilbert.transformer.layer.5.ffn.lin1.weight, 5, FFN-in, WEIGHT, distilbert",
        "distilbert.transformer.layer.5.ffn.lin2.bias, 5, FFN-out, BIAS, distilbert",
        "distilbert.transformer.layer.5.output_layer_norm.weight, 5, OutLN, WEIGHT, distilbert",
        "pre_classifier.weight, head, Head, WEIGHT, head",
        // original TensorFlow BERT, with and without the bert/ scope
        "bert/embeddings/word_embeddings, embeddings, Word, WEIGHT, tf-bert",
        "bert/embeddings/position_embeddings, embeddings, Position, WEIGHT, tf-bert",
        "bert/embeddings/token_type_embeddings, embeddings, TokenType, WEIGHT, tf-bert",
        "bert/embeddings/LayerNorm/gamma, embeddings, EmbLN, WEIGHT, tf-bert",
        "bert/embeddings/LayerNorm/beta, embeddings, EmbLN, BIAS, tf-bert",
        "bert/encoder/layer_0/attention/self/query/kernel, 0, Q, WEIGHT, tf-bert",
        "bert/encoder/layer_0/attention/self/query/bias, 0, Q, BIAS, tf-bert",
        "encoder/layer_9/attention/self/key/kernel, 9, K, WEIGHT, tf-bert",
        "bert/encoder/layer_9/attention/self/value/kernel, 9, V, WEIGHT, tf-bert",
        "bert/encoder/layer_9/attention/output/dense/kernel, 9, AttnOut, WEIGHT, tf-bert",
        "bert/encoder/layer_9/attention/output/LayerNorm/gamma, 9, AttnLN, WEIGHT, tf-bert",
        "bert/encoder/layer_9/intermediate/dense/kernel, 9, FFN-in, WEIGHT, tf-bert",
        "bert/encoder/layer_9/output/dense/bias, 9, FFN-out, BIAS, tf-bert",
        "bert/encoder/layer_9/output/LayerNorm/beta, 9, OutLN, BIAS, tf-bert",
        "bert/pooler/dense/kernel, pooler, Pooler, WEIGHT, tf-bert",
        "output_weights, head, Head, WEIGHT, head",
        "output_bias, head, Head, BIAS, head",
        "cls/squad/output_weights, head, Head, WEIGHT, head",
    })
    void everyFamilyLandsOnItsCell(String name, String row, String column, String part, String family) {
        Optional<NameMap.Match> m = MAP.match(name);
        assertTrue(m.isPresent(), name);
        assertEquals(new GridPosition(row(row), GridColumn.fromCsvName(column), GridPosition.Part.valueOf(part)),
                m.get().position());
        assertEquals(family, m.get().family());
        assertEquals(m.get().position(), MAP.locate(name).orElseThrow());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bert.embeddings.position_ids",
        "roberta.embeddings.position_ids",
        "cls.predictions.bias",
        "cls.predictions.transform.dense.weight",
        "cls.predictions.transform.LayerNorm.weight",
        "cls.predictions.decoder.weight",
        "cls.seq_relationship.weight",
        "lm_head.dense.weight",
        "electra.embeddings_project.weight",
        "discriminator_predictions.dense.weight",
        "generator_predictions.LayerNorm.weight",
        "distilbert.vocab_transform.weight",
        "vocab_projector.bias",
        "cls/predictions/transform/dense/kernel",
        "cls/seq_relationship/output_weights",
        "bert/encoder/layer_0/attention/self/query/kernel/adam_m",
        "global_step",
        "bert.encoder.layer.x.attention.self.query.weight",
        "bert.encoder.layer.99999999999.attention.self.query.weight",
        "bert.encoder.layer.0.attention.self.query.weight.extra",
        "xbert.encoder.layer.0.attention.self.query.weight",
        "",
    })
    void namesOutsideTheGridAreNotPlaced(String name) {
        assertEquals(Optional.empty(), MAP.locate(name));
        assertEquals(Optional.empty(), MAP.family(name));
    }

    @Test
    void onlyTensorFlowDenseKernelsAreStoredTransposed() {
        assertTrue(MAP.isStoredTransposed("bert/encoder/layer_0/attention/self/query/kernel"));
        assertTrue(MAP.isStoredTransposed("bert/pooler/dense/kernel"));
        assertTrue(MAP.isStoredTransposed("cls/predictions/transform/dense/kernel"));
        assertTrue(MAP.match("bert/encoder/layer_3/intermediate/dense/kernel").orElseThrow().storedTransposed());
        assertFalse(MAP.isStoredTransposed("bert/encoder/layer_0/attention/self/query/bias"));
        assertFalse(MAP.isStoredTransposed("bert/embeddings/word_embeddings"));
        assertFalse(MAP.isStoredTransposed("output_weights"));
        assertFalse(MAP.isStoredTransposed("bert.encoder.layer.0.attention.self.query.weight"));
        assertFalse(MAP.match("bert.encoder.layer.0.attention.self.query.weight").orElseThrow().storedTransposed());
    }

    @Test
    void familyCountsTellAnUnprefixedDistilbertFromBert() {
        List<String> names = List.of("embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
                "transformer.layer.0.attention.q_lin.weight", "transformer.layer.0.attention.k_lin.weight",
                "transformer.layer.0.ffn.lin1.weight", "classifier.weight", "vocab_projector.weight");
        assertEquals(Map.of("bert", 2, "distilbert", 3, "head", 1), MAP.familyCounts(names));
    }

    @Test
    void theStandardMapListsItsFamiliesInOrder() {
        assertEquals(List.of("roberta", "electra", "bert", "distilbert", "tf-bert", "head"), MAP.families());
    }

    @Test
    void aMapWithALayerRuleWithoutALayerGroupIsRefused() {
        String json = "{\"parts\":{\"weight\":\"WEIGHT\"},\"layouts\":{\"x\":[{\"pattern\":\"a\\\\.(?<part>weight)\","
                + "\"row\":\"layer\",\"column\":\"Q\"}]},\"families\":[{\"family\":\"f\",\"prefix\":\"\","
                + "\"layouts\":[\"x\"]}]}";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NameMap.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json"));
        assertTrue(e.getMessage().startsWith("test.json: rule "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": a layer row needs a group named 'layer'"), e.getMessage());
    }
}
