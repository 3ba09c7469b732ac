#!/usr/bin/python3
"""Writes tiny GLUE task folders in the exact TSV layouts of the GLUE download, and the examples a reader must
get from them.

Layouts (as in the GLUE download and the Hugging Face GLUE builder, which reads them with csv QUOTE_NONE):
CoLA train/dev have no header (source, label, mark, sentence), every other file names its columns in a header,
test files have no label column, MNLI has matched and mismatched dev and test files, MRPC's train.tsv starts
with a UTF-8 byte order mark. Every file holds a quote character (some unbalanced, as in QQP and MNLI) and
non-ASCII text.

The expected examples come from Python's own csv reader (delimiter tab, QUOTE_NONE, utf-8-sig), independent of
the Java reader under test: src/test/resources/fixtures/glue/expected.json maps "TASK/file" to a list of
[text, text_pair or null, label or null, line].

Run from the repository root: /usr/bin/python3 src/test/python/make_glue_fixtures.py
"""
import csv
import json
import os

ROOT = os.path.join("src", "test", "resources", "fixtures", "glue")

MNLI_TRAIN = ["index", "promptID", "pairID", "genre", "sentence1_binary_parse", "sentence2_binary_parse",
              "sentence1_parse", "sentence2_parse", "sentence1", "sentence2", "label1", "gold_label"]
MNLI_DEV = MNLI_TRAIN[:10] + ["label1", "label2", "label3", "label4", "label5", "gold_label"]
MNLI_TEST = MNLI_TRAIN[:10]
STSB = ["index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score"]


def parse(s):
    """A stand-in for the Stanford parses in MNLI's parse columns."""
    return "( " + " ".join(s.rstrip(".").split()) + " )"


def mnli_row(i, genre, s1, s2, gold, dev=False):
    votes = [gold] * (5 if dev else 1)
    return [str(i), str(1000 + i), f"{1000 + i}{'cen'[i % 3]}", genre, parse(s1), parse(s2), parse(s1),
            parse(s2), s1, s2] + votes + [gold]


FILES = {
    "CoLA/train.tsv": (None, [
        ["gj04", "1", "", "Our friends won't buy this analysis, let alone the next one we propose."],
        ["gj04", "0", "*", "They drank the pub \"dry."],
        ["cj99", "1", "", "The café's owner said \"hello\" to everyone."],
    ]),
    "CoLA/dev.tsv": (None, [
        ["gj04", "1", "", "The sailors rode the breeze clear of the rocks."],
        ["bc01", "0", "*", "Ça the \"book was written by."],
    ]),
    "CoLA/test.tsv": (["index", "sentence"], [
        ["0", "Bill whistled past the house."],
        ["1", "The \"naïve\" linguist smiled."],
    ]),
    "SST-2/train.tsv": (["sentence", "label"], [
        ["hide new secretions from the parental units ", "0"],
        ["it 's a \" charming \" and often affecting journey . ", "1"],
        ["a naïve , touching film – for 90 minutes ", "1"],
    ]),
    "SST-2/dev.tsv": (["sentence", "label"], [
        ["unflinchingly bleak and desperate ", "0"],
        ["the \"best\" movie of the year ", "1"],
    ]),
    "SST-2/test.tsv": (["index", "sentence"], [
        ["0", "uneasy mishmash of styles and genres ."],
        ["1", "this film 's \"heart is in the right place — mostly ."],
    ]),
    "MRPC/train.tsv": (["\ufeffQuality", "#1 ID", "#2 ID", "#1 String", "#2 String"], [
        ["1", "702876", "702977", "Amrozi accused his brother , whom he called \" the witness \" , of deliberately "
                                  "distorting his evidence .",
         "Referring to him as only \" the witness \" , Amrozi accused his brother of deliberately distorting his "
         "evidence ."],
        ["0", "2108705", "2108831", "Yucaipa owned Dominick 's before selling the chain to Safeway in 1998 for "
                                    "$ 2.5 billion .",
         "Yucaipa bought Dominick 's in 1995 for $ 693 million and sold it to Safeway for $ 1.8 billion in 1998 ."],
        ["1", "1330381", "1330521", "The Zürich office opened on Monday .", "On Monday the Zürich office opened ."],
    ]),
    "MRPC/dev.tsv": (["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"], [
        ["1", "1355540", "1355592", "He said the foodservice pie business doesn 't fit the company 's long-term "
                                    "growth strategy .",
         "\" The foodservice pie business does not fit our long-term growth strategy ."],
        ["0", "2029631", "2029565", "Magnarelli said Racicot hated the Iraqi regime — and looked forward to "
                                    "using his long years of training in the war .",
         "His wife said he was \" 100 percent behind George Bush \" and looked forward to using his years of "
         "training in the war ."],
    ]),
    "MRPC/test.tsv": (["index", "#1 ID", "#2 ID", "#1 String", "#2 String"], [
        ["0", "1089874", "1089925", "PCCW 's chief operating officer , Mike Butcher , and Alex Arena , the chief "
                                    "financial officer , will report directly to Mr So .",
         "Current Chief Operating Officer Mike Butcher and Group Chief Financial Officer Alex Arena will report "
         "to So ."],
        ["1", "3019446", "3019327", "The world 's two largest automakers said their U.S. sales declined more "
                                    "than predicted last month as a late \" summer sales frenzy caused more of "
                                    "an industry backlash than expected .",
         "Domestic sales at both GM and Ford — No. 1 and No. 2 — dropped ."],
    ]),
    "STS-B/train.tsv": (STSB, [
        ["0", "main-captions", "MSRvid", "2012test", "0001", "none", "none", "A plane is taking off.",
         "An air plane is taking off.", "5.000"],
        ["1", "main-captions", "MSRvid", "2012test", "0004", "none", "none", "A man is playing a large flute.",
         "A man is playing a \"flute.", "3.800"],
        ["2", "main-news", "headlines", "2013", "0042", "none", "none", "Égypte: protesters return to Tahrir",
         "Protesters return to Cairo's Tahrir Square", "2.6"],
    ]),
    "STS-B/dev.tsv": (STSB, [
        ["0", "main-captions", "MSRvid", "2012test", "0000", "none", "none", "A man with a hard hat is dancing.",
         "A man wearing a hard hat is dancing.", "5.000"],
        ["1", "main-forums", "deft-forum", "2014", "0023", "none", "none", "\"I don't think so.",
         "Naïvely, I'd say no.", "0.000"],
    ]),
    "STS-B/test.tsv": (STSB[:9], [
        ["0", "main-captions", "MSRvid", "2012test", "0024", "none", "none", "A girl is styling her hair.",
         "A girl is brushing her hair."],
        ["1", "main-news", "headlines", "2015", "0101", "none", "none", "\"Façade\" repaired in Köln",
         "Cologne repairs building front"],
    ]),
    "QQP/train.tsv": (["id", "qid1", "qid2", "question1", "question2", "is_duplicate"], [
        ["133273", "213221", "213222", "How is the life of a math student? Could you describe your own "
                                       "experiences?",
         "Which level of prepration is enough for the exam jlpt5?", "0"],
        ["402555", "536040", "536041", "How do I control my horny emotions?", "How do you control your "
                                                                              "\"horniness?", "1"],
        ["360472", "364011", "490273", "What does \"naïve\" mean?", "What is the meaning of naïve?", "1"],
    ]),
    "QQP/dev.tsv": (["id", "qid1", "qid2", "question1", "question2", "is_duplicate"], [
        ["201359", "303345", "303346", "Why are African-Americans so beautiful?",
         "Why are hispanics so beautiful?", "0"],
        ["263843", "69383", "380476", "I want to pursue PhD in Computer Science about \"social network, what "
                                      "is the open problem in social networks?",
         "I handle social media for a non-profit. Should I start going to social media networking events? "
         "Are there any good ones in the bay area?", "0"],
    ]),
    "QQP/test.tsv": (["id", "question1", "question2"], [
        ["0", "Would the idea of Trump and Putin in bed together scare you, given the geopolitical \"implications?",
         "Do you think that if Donald Trump were elected President, he would be able to restore relations with "
         "Putin and Russia?"],
        ["1", "What are the best ways to learn Español?", "How can I learn Spanish quickly?"],
    ]),
    "MNLI/train.tsv": (MNLI_TRAIN, [
        mnli_row(0, "government", "Conceptually cream skimming has two basic dimensions - product and geography.",
                 "Product and geography are what make cream skimming work. ", "neutral"),
        mnli_row(1, "telephone", "you know during the season and i guess at at your level uh you lose them to "
                                 "the next level if \"if they decide to recall the the parent team",
                 "You lose the things to the following level if the people recall.", "entailment"),
        mnli_row(2, "fiction", "One of our number will carry out your instructions minutely.",
                 "A member of my team will execute your orders with immense précision.", "entailment"),
        mnli_row(3, "travel", "How do you know? All this is their information again.",
                 "This information belongs to them.", "contradiction"),
    ]),
    "MNLI/dev_matched.tsv": (MNLI_DEV, [
        mnli_row(0, "government", "The new rights are nice enough", "Everyone really likes the newest benefits ",
                 "neutral", dev=True),
        mnli_row(1, "fiction", "\"I don't know who you are,\" said Tuppence.", "Tuppence knew who he was.",
                 "contradiction", dev=True),
    ]),
    "MNLI/dev_mismatched.tsv": (MNLI_DEV, [
        mnli_row(0, "letters", "Your contribution helped make it possible for us to provide our students with a "
                               "quality \"education.",
                 "Your contributions were of no help with our students' education.", "contradiction", dev=True),
        mnli_row(1, "verbatim", "The café opened in Malmö.", "There is a café in Malmö.", "entailment", dev=True),
    ]),
    "MNLI/test_matched.tsv": (MNLI_TEST, [
        mnli_row(0, "government", "Hierbas, ans seco, ans dulce, and frigola are just a few names worth \"keeping "
                                  "a look-out for.", "Hierbas is a name worth looking out for.", "-")[:10],
    ]),
    "MNLI/test_mismatched.tsv": (MNLI_TEST, [
        mnli_row(0, "nineeleven", "What have you decided, what are you going to do?",
                 "So what's your decision — what are you going to do next?", "-")[:10],
    ]),
    "QNLI/train.tsv": (["index", "question", "sentence", "label"], [
        ["0", "When did the third Digimon series begin?",
         "Unlike the two seasons before it and most of the seasons that followed, Digimon Tamers takes a darker "
         "and more realistic approach to its story.", "not_entailment"],
        ["1", "What is the name of the \"Rock in Rio\" festival in Lisbon?",
         "Lisbon hosts the Rock in Rio Lisboa music festival, one of the largest in Europe.", "entailment"],
        ["2", "Which Pokémon was released first?", "Pokémon Red and Green came out in Japan in 1996.",
         "entailment"],
    ]),
    "QNLI/dev.tsv": (["index", "question", "sentence", "label"], [
        ["0", "What came into force after the new constitution was herald?",
         "As of that day, the new constitution heralding the Second Republic came into force.", "entailment"],
        ["1", "What is the first major city in the stream of the \"Rhine?",
         "The most important tributaries in this area are the Ill below of Strasbourg, the Neckar in Mannheim "
         "and the Main across from Mainz.", "not_entailment"],
    ]),
    "QNLI/test.tsv": (["index", "question", "sentence"], [
        ["0", "What organization is devoted to Jihad against Israel?",
         "For some decades prior to the First Palestine Intifada in 1987, the Muslim Brotherhood in Palestine "
         "took a \"quiescent\" stance towards Israel."],
    ]),
    "RTE/train.tsv": (["index", "sentence1", "sentence2", "label"], [
        ["0", "No Weapons of Mass Destruction Found in Iraq Yet.", "Weapons of Mass Destruction Found in Iraq.",
         "not_entailment"],
        ["1", "A place of sorrow, after Pope John Paul II died, became a place of \"celebration.",
         "Pope John Paul II died.", "entailment"],
        ["2", "Müller won the race in São Paulo.", "Müller won a race.", "entailment"],
    ]),
    "RTE/dev.tsv": (["index", "sentence1", "sentence2", "label"], [
        ["0", "Dana Reeve, the widow of the actor Christopher Reeve, has died of lung cancer at age 44.",
         "Christopher Reeve had an \"accident.", "not_entailment"],
        ["1", "Yet, we now are discovering that antibiotics are losing their effectiveness.",
         "Bacteria is winning the war against antibiotics — slowly.", "entailment"],
    ]),
    "RTE/test.tsv": (["index", "sentence1", "sentence2"], [
        ["0", "Mangla was summoned after Madhumita's sister Nidhi Shukla, who was the first witness in the "
              "case, said \"she could not identify him.", "Shukla is related to Mangla."],
    ]),
    "WNLI/train.tsv": (["index", "sentence1", "sentence2", "label"], [
        ["0", "I stuck a pin through a carrot. When I pulled the pin out, it had a hole.",
         "The carrot had a hole.", "1"],
        ["1", "John couldn't see the stage with Billy in front of him because he is so \"short.",
         "John is so short.", "1"],
        ["2", "The trophy doesn't fit into the brown suitcase because it is too large — said Zoë.",
         "The suitcase is too large.", "0"],
    ]),
    "WNLI/dev.tsv": (["index", "sentence1", "sentence2", "label"], [
        ["0", "The drain is clogged with hair. It has to be cleaned.", "The hair has to be cleaned.", "0"],
        ["1", "Jane knocked on Susan's door but she did not answer. \"Oops.", "Susan did not answer.", "1"],
    ]),
    "WNLI/test.tsv": (["index", "sentence1", "sentence2"], [
        ["0", "Maude and Dora had seen the trains rushing across the prairie, with long, rolling puffs of black "
              "smoke streaming back from the engine. Their roars and their wild, clear whistles could be heard "
              "from far away. Horses ran away when they came in \"sight.", "Horses ran away when Maude and Dora "
                                                                           "came in sight."],
    ]),
}

# Columns of the labelled files: (text, text pair or None, label); by name, except CoLA's by position.
COLUMNS = {
    "CoLA": (3, None, 1), "SST-2": ("sentence", None, "label"), "MRPC": ("#1 String", "#2 String", "Quality"),
    "STS-B": ("sentence1", "sentence2", "score"), "QQP": ("question1", "question2", "is_duplicate"),
    "MNLI": ("sentence1", "sentence2", "gold_label"), "QNLI": ("question", "sentence", "label"),
    "RTE": ("sentence1", "sentence2", "label"), "WNLI": ("sentence1", "sentence2", "label"),
}
LABELS = {
    "CoLA": ["0", "1"], "SST-2": ["0", "1"], "MRPC": ["0", "1"], "STS-B": None, "QQP": ["0", "1"],
    "MNLI": ["contradiction", "entailment", "neutral"], "QNLI": ["entailment", "not_entailment"],
    "RTE": ["entailment", "not_entailment"], "WNLI": ["0", "1"],
}


def write(path, header, rows):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8", newline="") as f:
        for row in ([header] if header else []) + rows:
            assert all("\t" not in c and "\n" not in c for c in row), row
            f.write("\t".join(row) + "\n")


def expected(path):
    """The examples of a file as Python's csv module reads GLUE (QUOTE_NONE), with 1-based line numbers."""
    task, name = path.split("/")
    test = name.startswith("test")
    text_col, pair_col, label_col = COLUMNS[task]
    with open(os.path.join(ROOT, path), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    if task == "CoLA" and not test:
        header, body, first = None, rows, 1
    else:
        if task == "CoLA":
            text_col = "sentence"
        header, body, first = rows[0], rows[1:], 2
        text_col, pair_col = header.index(text_col), None if pair_col is None else header.index(pair_col)
        label_col = None if test else header.index(label_col)
    out = []
    for n, row in enumerate(body):
        label = None
        if label_col is not None:
            raw = row[label_col]
            label = float(raw) if LABELS[task] is None else LABELS[task].index(raw)
        out.append([row[text_col], None if pair_col is None else row[pair_col], label, first + n])
    return out


def main():
    for path, (header, rows) in FILES.items():
        write(path, header, rows)
    result = {path: expected(path) for path in FILES}
    with open(os.path.join(ROOT, "expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(result, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
