"""The RFB (VNC) protocol client. No Qt."""
