"""The AMI's PDFs and files: the dossier, the receipt, the letters and convention, the rapport
d'analyse, the archive (ZIP), and the slow exports that make the last two."""
