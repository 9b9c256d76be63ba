"""Margo's voice: text cleaned for speech, TTS engines, lip-sync timelines, the avatar
panel's HTML, offline speech to text and delivery feedback. Nothing here imports Streamlit.
"""
