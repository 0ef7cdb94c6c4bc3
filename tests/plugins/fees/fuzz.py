"""Fees' entries of the fuzzing table (tests/security/test_fuzz.py)."""

from __future__ import annotations

from core.testing.walks import register_forms
from plugins.fees.forms import (
    CancelPaymentForm,
    ChaseForm,
    FeeForm,
    GenerateForm,
    PaymentForm,
    ReasonForm,
)

NAME = "fees"


def forms(kit) -> dict:
    return {
        "fees.fee_add": kit.Form(
            kit.fields_of(FeeForm),
            lambda s: {
                "name": "Parking",
                "kind": "parking",
                "basis": "fixed",
                "rate": "1,500.00",
                "frequency": "quarterly",
                "due_day": "10",
            },
            start=kit.log_in_as("manager"),
        ),
        "fees.generate": kit.Form(
            kit.fields_of(GenerateForm),
            lambda s: {"month": "2024-02"},
            start=kit.log_in_as("manager"),
        ),
        "fees.pay": kit.Form(
            kit.fields_of(PaymentForm),
            lambda s: {"amount": "100.00", "method": "transfer", "reference": "HSBC 884421"},
            start=kit.log_in_as("butler"),
        ),
        "fees.chase": kit.Form(
            kit.fields_of(ChaseForm),
            lambda s: {"kind": "call", "note": "Will pay on Friday"},
            start=kit.log_in_as("butler"),
        ),
        "fees.reason": kit.Form(
            kit.fields_of(ReasonForm, prefix="why-"),
            lambda s: {"why-reason": "dispute", "why-note": "The lift was out for a week"},
            start=kit.log_in_as("butler"),
        ),
        "fees.cancel_payment": kit.Form(
            kit.fields_of(CancelPaymentForm),
            lambda s: {"action": "voided", "reason": "Entered twice"},
            start=kit.log_in_as("manager"),
        ),
    }


register_forms(NAME, forms)
