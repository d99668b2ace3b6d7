"""The portal's views: the public catalogue (OPAC) and MijnBibliotheek."""
