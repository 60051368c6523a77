"""The rules of one jury, by what they decide (Arrêté du 15 avril 2022, annexe 1, §4.3–4.6):
``ue`` (UE averages with capitalisation, UE proposals), ``rcue`` (RCUE averages and proposals), ``annee``
(the year's code: ADM, PASD, RED, NAR…), ``redoublement`` (the repeats counted), ``diplome`` (DUT, BUT);
``texte`` formats the numbers of their reasons. ``delibe.engine.jury.deliberation`` runs them in order.
Each reason is built from the registry (``delibe.engine.jury.registry``), which names its rule and source."""
