"""The department parser: the most specific unit, normalised, never the institution,
a street, a postcode or a city."""

from __future__ import annotations

import pytest

from loaders.departments import department_id, parse_department


@pytest.mark.parametrize("raw, institution, expected", [
    ("Dept. of Physics, Delft University of Technology, 2628 CJ Delft", None,
     "Department of Physics"),
    ("Dep. of Chemistry, Utrecht University, Utrecht", "Utrecht University",
     "Department of Chemistry"),
    ("Physics Dept., University of Amsterdam", None, "Physics Department"),
    ("Biophysics Lab, Leiden University", None, "Biophysics Laboratory"),
    ("Fac. of Science, Radboud University, Nijmegen", None, "Faculty of Science"),
    ("Afdeling Neurologie, Erasmus MC, Rotterdam", "Erasmus MC", "Department of Neurologie"),
    ("Vakgroep Fysica, Rijksuniversiteit Groningen", None, "Department of Fysica"),
    ("Faculteit der Natuurwetenschappen, Wiskunde en Informatica, Universiteit van Amsterdam",
     "University of Amsterdam", "Faculty of Natuurwetenschappen, Wiskunde en Informatica"),
    ("Fac. of Electrical Engineering, Mathematics and Computer Science, University of Twente, "
     "Enschede, The Netherlands", None,
     "Faculty of Electrical Engineering, Mathematics and Computer Science"),
    ("Delft University of Technology, Faculty of Applied Sciences, "
     "Department of Quantum Nanoscience, Lorentzweg 1, Delft", "Delft University of Technology",
     "Department of Quantum Nanoscience"),
    ("Quantum Transport Group, Kavli Institute of Nanoscience, TU Delft", None,
     "Quantum Transport Group"),
    ("College of Computer, National University of Defense Technology, Changsha 410073, China",
     "National University of Defense Technology", "College of Computer"),
    ("State Key Laboratory of High Performance Computing, NUDT, Changsha", None,
     "State Key Laboratory of High Performance Computing"),
])
def test_the_most_specific_unit_is_found_and_normalised(raw, institution, expected):
    assert parse_department(raw, institution) == expected


@pytest.mark.parametrize("raw, institution", [
    ("Harbin Institute of Technology, Harbin 150001, China", None),
    ("Eindhoven University of Technology", None),
    ("Delft University of Technology, Mekelweg 5, 2628 CD Delft, The Netherlands",
     "Delft University of Technology"),
    ("Institute for Atomic and Molecular Physics, Amsterdam",
     "Institute for Atomic and Molecular Physics"),
    ("Changsha 410073, China", None),
    ("", None),
])
def test_no_unit_gives_none_never_the_institution_street_postcode_or_city(raw, institution):
    assert parse_department(raw, institution) is None


def test_department_ids_are_stable_slugs_under_the_institution():
    a = department_id("https://openalex.org/I98358874", "Department of Physics")
    b = department_id("https://openalex.org/I98358874", "Department  of  physics")
    assert a == b == "https://openalex.org/I98358874#department-of-physics"


# ------------------------------------------------------------------ issue 14: Dutch units
from loaders.matcher import Matcher  # noqa: E402

_MATCHER = Matcher()


def _units(text: str) -> list[tuple[str, str | None]]:
    return [(i["name"], i["department"]) for i in _MATCHER.describe(text)["institutions"]]


@pytest.mark.parametrize("raw, institution, department", [
    ("QuTech, Delft University of Technology, Lorentzweg 1, Delft", "Delft University of Technology", "QuTech"),
    ("MESA+ Institute for Nanotechnology, University of Twente, Enschede", "University of Twente",
     "MESA+ Institute for Nanotechnology"),
    ("Kavli Institute of Nanoscience, Delft, The Netherlands", "Delft University of Technology",
     "Kavli Institute of Nanoscience"),
    ("Zernike Institute for Advanced Materials, University of Groningen", "University of Groningen",
     "Zernike Institute for Advanced Materials"),
    ("Donders Institute for Brain, Cognition and Behaviour, Radboud University, Nijmegen",
     "Radboud University Nijmegen", "Donders Institute for Brain, Cognition and Behaviour"),
    ("Debye Institute for Nanomaterials Science, Utrecht University", "Utrecht University",
     "Debye Institute for Nanomaterials Science"),
    ("LIACS, Leiden University, Leiden, The Netherlands", "Leiden University",
     "Leiden Institute of Advanced Computer Science"),
    ("Van 't Hoff Institute for Molecular Sciences, University of Amsterdam", "University of Amsterdam",
     "Van 't Hoff Institute for Molecular Sciences"),
    ("Institute for Molecules and Materials, Radboud University, Nijmegen", "Radboud University Nijmegen",
     "Institute for Molecules and Materials"),
    ("Bernoulli Institute, University of Groningen, Groningen", "University of Groningen",
     "Bernoulli Institute for Mathematics, Computer Science and Artificial Intelligence"),
    ("Delft Center for Systems and Control, Delft University of Technology", "Delft University of Technology",
     "Delft Center for Systems and Control"),
    ("Quantum Transport Group, Kavli Institute of Nanoscience, TU Delft", "Delft University of Technology",
     "Quantum Transport Group"),
])
def test_named_dutch_institutes_and_groups_are_departments(raw, institution, department):
    assert (institution, department) in _units(raw)


def test_the_dutch_and_english_forms_of_a_unit_are_one_department():
    from loaders.resolve import ProjectResolver

    resolver = ProjectResolver()
    tud = "https://openalex.org/I98358874"
    english = resolver.department("Department of Microelectronics, Delft University of Technology", tud,
                                  "Delft University of Technology")
    dutch = resolver.department("Department of Microelektronica, TU Delft, Delft", tud,
                                "Delft University of Technology")
    afdeling = resolver.department("Afdeling Microelektronica, Technische Universiteit Delft", tud,
                                   "Delft University of Technology")
    assert english == dutch == afdeling == (f"{tud}#department-of-microelectronics", "Department of Microelectronics")


def test_department_names_keep_the_printed_spacing_and_punctuation():
    assert parse_department("Huygens-Kamerlingh Onnes Laboratory, Leiden University") == \
        "Huygens-Kamerlingh Onnes Laboratory"
    assert parse_department("Quantum-Optics Group, Dept. of Physics, Leiden") == "Quantum-Optics Group"


@pytest.mark.parametrize("raw", [
    "TUDelft, Mekelweg 4, Delft", "Technical University Delft, The Netherlands",
    "Kavli Institute of Nanoscience, Delft, The Netherlands", "Delft Univ Technol, Delft, Netherlands",
])
def test_loose_forms_of_tu_delft_resolve(raw):
    assert [n for n, _ in _units(raw)] == ["Delft University of Technology"]


@pytest.mark.parametrize("raw, name", [
    ("TU/e, Eindhoven, The Netherlands", "Eindhoven University of Technology"),
    ("VU University, Amsterdam, The Netherlands", "Vrije Universiteit Amsterdam"),
    ("Univ Med Cntr Utrecht, Utrecht, Netherlands", "University Medical Center Utrecht"),
])
def test_loose_dutch_names_and_acronyms_resolve(raw, name):
    assert [n for n, _ in _units(raw)] == [name]
