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
