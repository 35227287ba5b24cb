"""The rule-based extractor on small hand-made texts: every quote form it promises to handle."""

from __future__ import annotations

from annot.preannotate import MODEL_VERSION, predict
from annot.records import Annotation


def claims(annotation: Annotation) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(claim text, quote_type, [(speaker text, speaker_name)]) in text order."""
    regions = {r.id: r for r in annotation.regions}
    out = []
    for r in annotation.regions:
        if r.label != "Claim":
            continue
        speakers = [regions[rel.from_id] for rel in annotation.relations if rel.to_id == r.id and rel.label == "says"]
        out.append((r.text, r.attributes["quote_type"], [(s.text, s.attributes["speaker_name"]) for s in speakers]))
    return out


def test_straight_quotes_then_attribution() -> None:
    text = 'Officials met on Friday.\n\n"The talks were useful and frank," Maria Lopez told reporters.\n'
    assert claims(predict(text)) == [("The talks were useful and frank", "direct", [("Maria Lopez", "Maria Lopez")])]


def test_curly_quotes_and_offsets_match_text() -> None:
    text = "Foreign Minister Ilse Varga said: “We will not accept this deal at all.”\n"
    annotation = predict(text)
    assert claims(annotation) == [("We will not accept this deal at all", "direct", [("Ilse Varga", "Ilse Varga")])]
    for region in annotation.regions:
        assert text[region.start : region.end] == region.text


def test_quote_split_by_its_attribution_gives_two_claims_by_one_speaker() -> None:
    text = '"Our intent is not to decouple them," Tom Berg said, "their relationship is their business."\n'
    assert claims(predict(text)) == [
        ("Our intent is not to decouple them", "direct", [("Tom Berg", "Tom Berg")]),
        ("their relationship is their business", "direct", [("Tom Berg", "Tom Berg")]),
    ]


def test_pronoun_and_surname_resolve_to_the_fullest_name() -> None:
    text = (
        "Secretary of State Antony Blinken arrived in Rome.\n\n"
        '"We are concerned about these exports," he said.\n\n'
        '"That is a problem for Europe too," Blinken added.\n'
    )
    assert claims(predict(text)) == [
        ("We are concerned about these exports", "direct", [("he", "Antony Blinken")]),
        ("That is a problem for Europe too", "direct", [("Blinken", "Antony Blinken")]),
    ]


def test_reported_speech_claim() -> None:
    text = "Chancellor Olaf Scholz said that the war must end soon.\n\nWang Yi warned that sanctions would backfire.\n"
    assert claims(predict(text)) == [
        ("the war must end soon", "indirect", [("Olaf Scholz", "Olaf Scholz")]),
        ("sanctions would backfire", "indirect", [("Wang Yi", "Wang Yi")]),
    ]


def test_reported_clause_with_a_quoted_fragment_is_mixed() -> None:
    text = 'Anna Berg said the plan was "a disgrace" and should be dropped.\n'
    assert claims(predict(text)) == [
        ('the plan was "a disgrace" and should be dropped', "mixed", [("Anna Berg", "Anna Berg")])
    ]


def test_postposed_description_speaker() -> None:
    text = "Exports are rising fast, a senior US official told reporters.\n"
    assert claims(predict(text)) == [
        ("Exports are rising fast", "indirect", [("senior US official", "senior US official")])
    ]


def test_joint_speakers_each_get_a_says_relation() -> None:
    text = "Joe Biden and Kamala Harris have said that they seek dialogue.\n"
    assert claims(predict(text)) == [
        ("they seek dialogue", "indirect", [("Joe Biden", "Joe Biden"), ("Kamala Harris", "Kamala Harris")])
    ]


def test_no_attribution_no_claim() -> None:
    text = 'The visit produced little progress.\n\nThe so-called "no limits" partnership holds.\n'
    annotation = predict(text)
    assert annotation.regions == [] and annotation.relations == []


def test_ids_are_short_unique_and_stable_and_no_stance_is_guessed() -> None:
    text = '"This is a matter of death and life," Dmytro Kuleba said.\n\nHe said that more air defence is needed.\n'
    first, second = predict(text), predict(text)
    ids = [r.id for r in first.regions]
    assert ids == [r.id for r in second.regions]
    assert len(set(ids)) == len(ids) and all(len(i) <= 12 for i in ids)
    assert {r.label for r in first.regions} == {"Speaker", "Claim", "Cue"}
    assert all("stance" not in r.attributes and "target" not in r.attributes for r in first.regions)
    assert first.annotator == MODEL_VERSION


def test_evaluative_verb_takes_its_object_as_the_claim() -> None:
    text = (
        "Mayor Lena Fischer criticized the council for delaying the new bridge.\n\n"
        "Fischer also questioned the cost of the tunnel.\n"
    )
    assert claims(predict(text)) == [
        ("the council for delaying the new bridge", "indirect", [("Lena Fischer", "Lena Fischer")]),
        ("the cost of the tunnel", "indirect", [("Fischer", "Lena Fischer")]),
    ]


def test_warned_against_and_accused_of() -> None:
    text = "Omar Haddad warned the board against hasty cuts.\n\nLars Berg accuses the owners of hiding losses.\n"
    assert [c[0] for c in claims(predict(text))] == ["hasty cuts", "the owners of hiding losses"]


def test_two_reporting_verbs_in_one_sentence_give_two_claims_by_one_speaker() -> None:
    text = "Karin Olsen said that rents were too high and made clear that the city would build more homes.\n"
    assert claims(predict(text)) == [
        ("rents were too high", "indirect", [("Karin Olsen", "Karin Olsen")]),
        ("the city would build more homes", "indirect", [("Karin Olsen", "Karin Olsen")]),
    ]


def test_participle_continues_the_speech_of_the_subject() -> None:
    text = '"The port will reopen in May," Pedro Alves said, adding that ferries would resume first.\n'
    assert claims(predict(text)) == [
        ("The port will reopen in May", "direct", [("Pedro Alves", "Pedro Alves")]),
        ("ferries would resume first", "indirect", [("Pedro Alves", "Pedro Alves")]),
    ]


def test_relative_who_clause_speaker_and_noun_that_clause() -> None:
    text = "The committee met Governor Rosa Diaz, who reiterated her concerns that the budget was unbalanced.\n"
    assert claims(predict(text)) == [("the budget was unbalanced", "indirect", [("Rosa Diaz", "Rosa Diaz")])]


def test_reported_clause_ends_before_a_subordinate_clause() -> None:
    text = "Ivan Petrov said the harvest would be late, although rain had helped the northern farms.\n"
    assert claims(predict(text)) == [("the harvest would be late", "indirect", [("Ivan Petrov", "Ivan Petrov")])]


def test_inner_reporting_verb_governs_a_nested_claim() -> None:
    text = "Sara Lind said she warned the minister against new tariffs on steel.\n"
    assert claims(predict(text)) == [("new tariffs on steel", "indirect", [("she", "Sara Lind")])]


def test_addressee_introduced_by_to_is_not_the_claim() -> None:
    text = "Ahmed Noor communicated to his staff that pay would rise.\n"
    assert claims(predict(text)) == [("pay would rise", "indirect", [("Ahmed Noor", "Ahmed Noor")])]


def test_office_description_resolves_to_the_last_person_named_with_that_office() -> None:
    text = (
        "German Foreign Minister Petra Vogel met Chinese Foreign Minister Li Ming in Oslo.\n\n"
        "Petra Vogel spoke first.\n\n"
        "The top German diplomat said that the talks had been useful.\n\n"
        "The Chinese diplomat said that trade must grow.\n"
    )
    assert claims(predict(text)) == [
        ("the talks had been useful", "indirect", [("top German diplomat", "Petra Vogel")]),
        ("trade must grow", "indirect", [("Chinese diplomat", "Li Ming")]),
    ]
