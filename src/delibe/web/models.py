# ruff: noqa: RUF012  (Django reads Meta/migration class attributes as plain lists by design)
"""Persistence of Délibé: departments, versioned formations, semesters, students, grades and jury decisions.

Models hold data and integrity constraints only; every write goes through ``delibe.web.services`` (in a
transaction) and every read that computes something through ``delibe.web.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from delibe.engine.exact import note_fr


class Department(models.Model):
    """A department of an IUT (e.g. MMI Dijon). Several departments share one instance; users see only
    their own."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    nom = models.CharField(_("nom"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")

    def __str__(self) -> str:
        return self.nom


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrateur")
    SCOLARITE = "scolarite", _("Scolarité")
    RESPONSABLE = "responsable", _("Responsable de formation")
    ENSEIGNANT = "enseignant", _("Enseignant")
    PRESIDENT = "president", _("Président de jury")
    ETUDIANT = "etudiant", _("Étudiant")


class Membership(models.Model):
    """A user's role in a department. An administrator's membership has no department (all of them)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    department = models.ForeignKey(Department, null=True, blank=True, on_delete=models.CASCADE)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "department", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.department or 'tous'})"


class FormationVersion(models.Model):
    """One version of a formation file: the YAML text as loaded, its declared version and its hash. A
    student's enrolment points at the version they started with; a new file never rewrites it."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="formations")
    slug = models.SlugField(_("identifiant"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    titre = models.CharField(_("titre"), max_length=300)
    yaml_text = models.TextField(_("fichier YAML"))
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "sha256"], name="formation_version_unique_text"),
            models.UniqueConstraint(fields=["slug", "version"], name="formation_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"


class AcademicYear(models.Model):
    label = models.CharField(_("année universitaire"), max_length=9, unique=True)  # "2023-2024"
    debut = models.DateField(_("début"))
    fin = models.DateField(_("fin"))

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class SemesterRun(models.Model):
    """One semester of one formation version, taught in one academic year."""

    formation = models.ForeignKey(FormationVersion, on_delete=models.PROTECT, related_name="semesters")
    semestre = models.PositiveSmallIntegerField(_("semestre"))
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="semesters")
    debut = models.DateField(_("début"), null=True, blank=True)
    fin = models.DateField(_("fin"), null=True, blank=True)
    modalite = models.CharField(_("modalité"), max_length=20, default="initiale")
    # the parcours opened this year (empty: every parcours of the formation) and the Apogée étape code
    parcours_offerts = models.JSONField(_("parcours offerts"), default=list, blank=True)
    etape_apogee = models.CharField(_("code étape Apogée"), max_length=40, blank=True)
    locked = models.BooleanField(_("verrouillé"), default=False)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # an archived semester (its year closed, services/annees.py) is read-only for good: never reopened
    archived = models.BooleanField(_("archivé"), default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-academic_year__label", "semestre"]
        constraints = [
            models.UniqueConstraint(
                fields=["formation", "semestre", "academic_year"], name="semester_run_unique"
            ),
        ]

    @property
    def annee_but(self) -> int:
        return (self.semestre + 1) // 2

    @property
    def department_id(self) -> int:
        return self.formation.department_id

    def __str__(self) -> str:
        return f"S{self.semestre} {self.academic_year.label} ({self.formation.slug})"


class StudentStatus(models.TextChoices):
    ACTIF = "actif", _("Actif")
    DEMISSION = "DEM", _("Démission")
    DEFAILLANT = "DEF", _("Défaillant")
    DIPLOME = "diplome", _("Diplômé")


class Civilite(models.TextChoices):
    MONSIEUR = "M.", _("M.")
    MADAME = "Mme", _("Mme")


class Student(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="students")
    formation = models.ForeignKey(
        FormationVersion, on_delete=models.PROTECT, related_name="students",
        help_text=_("La version de la formation dans laquelle l'étudiant a commencé."),
    )
    parcours = models.CharField(_("parcours"), max_length=40)
    nip = models.CharField(_("NIP"), max_length=20, unique=True)
    ine = models.CharField(_("INE"), max_length=20, blank=True)
    nom = models.CharField(_("nom"), max_length=120)
    prenom = models.CharField(_("prénom"), max_length=120)
    civilite = models.CharField(_("civilité"), max_length=3, choices=Civilite.choices, blank=True, default="")
    date_naissance = models.DateField(_("date de naissance"), null=True, blank=True)
    email = models.EmailField(_("courriel"), blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=StudentStatus.choices, default="actif")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="student"
    )

    class Meta:
        ordering = ["nom", "prenom"]
        indexes = [models.Index(fields=["department", "nom"])]

    def __str__(self) -> str:
        return f"{self.nom.upper()} {self.prenom}"


class ApprenticeContract(models.Model):
    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="apprenticeship")
    employeur = models.CharField(_("employeur"), max_length=200)
    tuteur = models.CharField(_("maître d'apprentissage"), max_length=200, blank=True)
    debut = models.DateField(_("début du contrat"))
    fin = models.DateField(_("fin du contrat"))
    # Where the monthly attendance report and the absence alerts go (issue 15): the tutor at the employer
    # and the apprentice's CFA.
    tuteur_email = models.EmailField(_("courriel du maître d'apprentissage"), blank=True)
    cfa = models.CharField(_("CFA"), max_length=200, blank=True)
    cfa_email = models.EmailField(_("courriel du CFA"), blank=True)


class Enrolment(models.Model):
    """A student's inscription in one semester run, with their parcours and group."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="enrolments")
    semester = models.ForeignKey(SemesterRun, on_delete=models.PROTECT, related_name="enrolments")
    parcours = models.CharField(_("parcours"), max_length=40)
    redoublant = models.BooleanField(_("redoublant"), default=False)
    etat = models.CharField(_("état"), max_length=10, default="I")  # I inscrit, DEM, DEF
    # Late enrolment (issue 13): evaluations dated before this day expect no grade from the student; a
    # missing one counts as ``avant_inscription`` (EXC, or ATT). Empty: enrolled from the start.
    inscrit_le = models.DateField(_("inscrit le"), null=True, blank=True)
    avant_inscription = models.CharField(
        _("notes des évaluations antérieures à l'inscription"), max_length=3,
        choices=[("EXC", _("EXC (neutralisées)")), ("ATT", _("ATT (en attente d'un rattrapage)"))], default="EXC",
    )
    # Démission (DEM) or défaillance (DEF): its date; evaluations after it expect no grade.
    etat_le = models.DateField(_("date de démission ou de défaillance"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["student", "semester"], name="enrolment_unique"),
        ]

    def memberships_in_order(self) -> list[GroupMembership]:
        """The student's groups in this semester, partition by partition (when reading many enrolments:
        ``selectors.groupes.read_groups``, or prefetch ``group_memberships__groupe__partition``)."""
        read = self.__dict__.get("_memberships_read")
        if read is not None:
            return list(read)
        return sorted(self.group_memberships.all(), key=GroupMembership.order_key)

    @property
    def groupe(self) -> str:
        """The names of the student's groups, partition by partition (« A », or « TD A, TP A1 » with several
        partitions); "" when in none. Read-only: groups change through ``services.groupes``."""
        return ", ".join(m.groupe.name for m in self.memberships_in_order())


# The partition of groups given without one: old flat groups (migration 0017), a bare name in the import.
DEFAULT_PARTITION = "Groupes"


class Partition(models.Model):
    """One way of splitting a semester's students into groups, as in ScoDoc (TD, TP, langue, parcours…):
    a student is in at most one group of each partition, possibly in none."""

    semester = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="partitions")
    name = models.CharField(_("nom de la partition"), max_length=40)
    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["order", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["semester", "name"], name="partition_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Groupe(models.Model):
    """A group of a partition (« A » of « TD »)."""

    partition = models.ForeignKey(Partition, on_delete=models.CASCADE, related_name="groupes")
    name = models.CharField(_("nom du groupe"), max_length=40)

    class Meta:
        ordering = ["partition__order", "partition__name", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partition", "name"], name="groupe_unique_name"),
        ]

    @property
    def label(self) -> str:
        """« TD A »; just « A » in the partition of groups given without one (« Groupes »)."""
        if self.partition.name == DEFAULT_PARTITION:
            return self.name
        return f"{self.partition.name} {self.name}"

    def __str__(self) -> str:
        return self.label


class GroupMembership(models.Model):
    """An enrolment in one group. ``partition`` repeats the group's partition so that the database itself
    refuses a second group of the same partition (the services keep the two consistent)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="group_memberships")
    partition = models.ForeignKey(Partition, on_delete=models.CASCADE, related_name="+")
    groupe = models.ForeignKey(Groupe, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "partition"], name="one_group_per_partition"),
        ]

    def order_key(self) -> tuple[int, str, int]:
        """Partition by partition: their order, then name."""
        return (self.groupe.partition.order, self.groupe.partition.name, self.groupe.partition_id)


class StudentPhoto(models.Model):
    """A student's photo: personal data, kept outside the static files (under ``DELIBE_PHOTOS_DIR``,
    re-encoded as JPEG by ``services.photos``) and served only to the staff of the student's department."""

    student = models.OneToOneField(Student, on_delete=models.CASCADE, related_name="photo")
    path = models.CharField(_("fichier"), max_length=200)  # relative to DELIBE_PHOTOS_DIR
    sha256 = models.CharField(max_length=64)
    source_name = models.CharField(_("fichier d'origine"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class TeachingRole(models.TextChoices):
    RESPONSABLE = "responsable", _("Responsable du module")
    ENSEIGNANT = "enseignant", _("Enseignant du module")


class TeachingAssignment(models.Model):
    """Which teacher teaches which module in which semester run: an enseignant edits only these grades.
    A module has at most one responsable; both the responsable and the enseignants enter its grades."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teachings")
    semester = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="teachings")
    module_code = models.CharField(max_length=40)
    role = models.CharField(_("rôle dans le module"), max_length=12, choices=TeachingRole.choices,
                            default=TeachingRole.ENSEIGNANT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "semester", "module_code"], name="teaching_unique"),
            models.UniqueConstraint(fields=["semester", "module_code"], condition=models.Q(role="responsable"),
                                    name="teaching_one_responsable"),
        ]


class EvaluationType(models.TextChoices):
    NORMALE = "normale", _("Normale")
    RATTRAPAGE = "rattrapage", _("Rattrapage")
    SESSION2 = "session2", _("Session 2")


class Evaluation(models.Model):
    semester = models.ForeignKey(SemesterRun, on_delete=models.CASCADE, related_name="evaluations")
    module_code = models.CharField(_("module"), max_length=40)
    titre = models.CharField(_("intitulé"), max_length=200)
    date = models.DateField(_("date"), null=True, blank=True)
    coefficient = models.FloatField(_("coefficient"), default=1.0)
    note_max = models.FloatField(_("note maximale"), default=20.0)
    poids = models.JSONField(_("poids par UE"), default=dict, blank=True)  # {"UE1.1": 1.0, …}
    type = models.CharField(_("type"), max_length=12, choices=EvaluationType.choices, default="normale")
    immediate = models.BooleanField(_("prise en compte immédiate"), default=False)
    # read only when the semester publishes grades evaluation by evaluation (Publication.notes)
    publiee = models.BooleanField(_("notes publiées aux étudiants"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["module_code", "date", "id"]
        indexes = [models.Index(fields=["semester", "module_code"])]

    def __str__(self) -> str:
        return f"{self.module_code} — {self.titre}"


class Special(models.TextChoices):
    ABS = "ABS", _("Absent (compte 0)")
    EXC = "EXC", _("Excusé (neutralisé)")
    ATT = "ATT", _("En attente")


class Grade(models.Model):
    """One student's grade for one evaluation: a number on the evaluation's scale, or ABS/EXC/ATT.
    ``version`` increases at every change: a writer sends the version it read, a stale one is refused."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="grades")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="grades")
    value = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    special = models.CharField(max_length=3, choices=Special.choices, blank=True)
    version = models.PositiveIntegerField(default=1)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "student"], name="grade_unique"),
            models.CheckConstraint(
                condition=(models.Q(value__isnull=True) & ~models.Q(special=""))
                | (models.Q(value__isnull=False) & models.Q(special="")),
                name="grade_value_xor_special",
            ),
        ]
        # The averages' cache checks at every page whether a semester's grades changed (count, versions,
        # ids, last change: ``services.calcul.compute_runs``); with these columns in the index PostgreSQL
        # answers from the index alone (an index-only scan) instead of reading 70,000 grade rows of a
        # 600-student year. Other databases ignore ``include`` and get a plain index on the evaluation.
        indexes = [models.Index(fields=["evaluation"], include=["id", "version", "updated_at"],
                                name="grade_stamp_idx")]

    @property
    def display(self) -> str:
        if self.special:
            return self.special
        return note_fr(self.value, undefined="")


class DecisionLevel(models.TextChoices):
    UE = "ue", _("UE")
    RCUE = "rcue", _("RCUE")
    ANNEE = "annee", _("Année")


class JuryDecision(models.Model):
    """A jury's decision on one UE, one RCUE or one year, for one student and one academic year. One row
    per (student, year, level, key): a new deliberation updates it, never duplicates it."""

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="decisions")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="decisions")
    formation = models.ForeignKey(FormationVersion, on_delete=models.PROTECT, related_name="+")
    annee_but = models.PositiveSmallIntegerField(_("année de BUT"))
    semestre = models.PositiveSmallIntegerField(_("semestre"), null=True, blank=True)
    level = models.CharField(_("niveau"), max_length=5, choices=DecisionLevel.choices)
    key = models.CharField(_("objet"), max_length=60)  # UE code, competence nom_court, or "BUT1"
    moyenne = models.FloatField(null=True, blank=True)
    proposed_code = models.CharField(_("code proposé"), max_length=10, blank=True)
    decided_code = models.CharField(_("code décidé"), max_length=10)
    reasons = models.JSONField(_("motifs"), default=list, blank=True)
    departure_reason = models.TextField(_("motif de la décision du jury"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["academic_year__label", "level", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "academic_year", "level", "key"], name="jury_decision_unique"
            ),
        ]

    @property
    def departs_from_proposal(self) -> bool:
        return bool(self.proposed_code) and self.proposed_code != self.decided_code



class GradePublication(models.TextChoices):
    TOUTES = "toutes", _("Toutes les notes, dès leur saisie")
    EVALUATIONS = "evaluations", _("Évaluation par évaluation (celles cochées)")
    AUCUNE = "aucune", _("Aucune note pour l'instant")


class Publication(models.Model):
    """What the students of a semester see before the jury (issue 14): their grades (all, evaluation by
    evaluation, or none), their averages, their ranks. The jury's decisions are published when the jury
    is closed, whatever this says. Without a row, everything is published (the behaviour before)."""

    semester = models.OneToOneField(SemesterRun, on_delete=models.CASCADE, related_name="publication")
    notes = models.CharField(_("notes"), max_length=12, choices=GradePublication.choices,
                             default=GradePublication.TOUTES)
    moyennes = models.BooleanField(_("moyennes des modules et des UE"), default=True)
    rangs = models.BooleanField(_("rangs"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Publication {self.semester}"


class DepartmentSettings(models.Model):
    """The department's settings of its documents and defaults, dated: a row applies from ``applies_from``
    until the next row. A document uses the row in force at its date (a locked semester: its jury's date),
    so a change never rewrites what a past jury signed. Rows are added, never edited (the journal keeps
    who added which)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="settings_rows")
    applies_from = models.DateField(_("en vigueur à partir du"))
    etablissement = models.CharField(_("établissement"), max_length=200,
                                     default="Institut universitaire de technologie")
    departement = models.CharField(_("nom du département sur les documents"), max_length=200, blank=True)
    universite = models.CharField(_("université"), max_length=200, blank=True)
    adresse = models.CharField(_("adresse"), max_length=300, blank=True)
    ville = models.CharField(_("ville (« Fait à »)"), max_length=120, blank=True)
    logo = models.BinaryField(_("logo"), null=True, blank=True)  # PNG or JPEG bytes, bounded (services)
    logo_type = models.CharField(max_length=20, blank=True)  # "image/png" | "image/jpeg"
    president = models.CharField(_("président du jury"), max_length=200, blank=True)
    membres = models.TextField(_("membres du jury (un par ligne)"), blank=True)
    lieu = models.CharField(_("lieu du jury"), max_length=200, blank=True)
    signataire_nom = models.CharField(_("signataire des documents"), max_length=200, blank=True,
                                      help_text=_("Vide : le président du jury."))
    signataire_titre = models.CharField(_("titre du signataire"), max_length=200,
                                        default="Le directeur de l'IUT, président du jury")
    afficher_rangs = models.BooleanField(_("rangs sur les bulletins"), default=True)
    details_evaluations = models.BooleanField(_("bulletins détaillés (évaluations de chaque module)"), default=True)
    publication_notes = models.CharField(_("publication des notes par défaut"), max_length=12,
                                         choices=GradePublication.choices, default=GradePublication.TOUTES)
    publication_moyennes = models.BooleanField(_("moyennes publiées par défaut"), default=True)
    publication_rangs = models.BooleanField(_("rangs publiés par défaut"), default=True)
    # Every e-mail of the department (results, monthly reports, absence alerts) is sent with these (issue 15);
    # blank: the installation's DELIBE_EMAIL_FROM / DELIBE_EMAIL_REPLY_TO and Délibé's footer.
    courriel_expediteur = models.CharField(
        _("expéditeur des courriels"), max_length=254, blank=True,
        help_text=_("Par exemple « Scolarité MMI <scolarite-mmi@iut.example.fr> » ; vide : l'expéditeur de "
                    "l'installation."))
    courriel_reponse = models.EmailField(_("adresse de réponse des courriels"), blank=True,
                                         help_text=_("Vide : celle de l'installation."))
    courriel_pied = models.TextField(_("pied des courriels"), blank=True,
                                     help_text=_("Texte ajouté à la fin de chaque courriel ; vide : le texte de Délibé."))
    seuils_alerte = models.CharField(
        _("seuils d'alerte d'absences (demi-journées non justifiées)"), max_length=100, blank=True,
        help_text=_("Nombres séparés par des virgules, par exemple « 3, 6, 10 » : l'étudiant, le responsable de "
                    "formation et le maître d'apprentissage sont prévenus une fois quand le semestre atteint "
                    "chaque seuil ; le seuil ATJ des règles d'assiduité s'y ajoute. Vide : aucune alerte."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["department", "-applies_from"]
        constraints = [
            models.UniqueConstraint(fields=["department", "applies_from"], name="department_settings_date"),
        ]

    def __str__(self) -> str:
        return f"Réglages {self.department} au {self.applies_from}"
