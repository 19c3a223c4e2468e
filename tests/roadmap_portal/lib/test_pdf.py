from roadmap_portal.lib.pdf import MAX_CLUSTER, UNBROKEN_RUN, printable, printed_lines

ZWSP = "\u200b"


def test_ordinary_text_is_printed_as_written():
    text = "Ģimenēm ar bērniem trūkst atelpas brīžu.\n\nΑγλαντζιά, Žagarė: 2026."
    assert printable(text) == text


def test_a_long_run_gets_an_invisible_break_opportunity_and_keeps_every_character():
    printed = printable("x" * 100)
    assert printed.replace(ZWSP, "") == "x" * 100
    assert [len(part) for part in printed.split(ZWSP)] == [UNBROKEN_RUN, UNBROKEN_RUN, 20]
    assert printable("\u00a0" * 50).count(ZWSP) == 1  # a no-break space does not break


def test_blank_lines_and_runs_of_spaces_are_printed_once():
    assert printable("a\r\n\r\n\r\n\n  \nb   c\t\td") == "a\n\nb c d"


def test_a_letter_keeps_only_a_few_marks_and_joined_emoji_are_cut_into_clusters():
    assert printable("a" + "\u0301" * 1000) == "a" + "\u0301" * MAX_CLUSTER
    assert printable("ệ") == "ệ" and printable("e\u0323\u0302") == "e\u0323\u0302"
    family = "👨\u200d👩\u200d👧\u200d👦"
    assert printable(family) == family
    joined = printable("👨\u200d" * 1000)
    assert joined.count("👨") == 1000
    assert joined.count("\u200d") <= 1000 * MAX_CLUSTER // (MAX_CLUSTER + 1)


def test_printed_lines_count_paragraphs_and_long_lines():
    assert printed_lines("") == 0
    assert printed_lines("a\nb\n\nc") == 4
    assert printed_lines("x " * 90) == 2
    assert printed_lines("\n" * 20_000) == 3
