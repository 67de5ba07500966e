"""The outputs wing: what a map looks like to a reader.

* :mod:`~wildproblems.outputs.plot`: static figures (dot map, pathways);
* :mod:`~wildproblems.outputs.explore`: the interactive map (one offline HTML file);
* :mod:`~wildproblems.outputs.report`: the self-contained HTML report (``templates/``);
* :mod:`~wildproblems.outputs.tables`: CSV and Excel, spreadsheet-safe;
* :mod:`~wildproblems.outputs.qda`: REFI-QDA codebook and project for QDA tools;
* :mod:`~wildproblems.outputs._format`: colours, names and tables they share.
"""
